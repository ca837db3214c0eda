// Scenario 3, red-packet storm: N players each tap 5 times a second while a rain runs, sending
// the share of taps the room's throttle factor asks for. Measures GRABs answered per second and
// the time to each answer, and checks that nothing is over-granted: packets ≤ the pool, cents ≤
// the rain's total, each player ≤ the cap, and the room's own totals equal what players received.
import { benchActivity } from "../admin";
import { ClientPool } from "../clients/pool";
import type { GrabRecord } from "../clients/protocol";
import { closeAll, openAll, sum } from "../clients/ops";
import { type Ctx, clientProcesses, userIds } from "../context";
import { liveroom } from "../../schema/proto";
import { type Over, overRuns, peakInWindow, percentile } from "../stats";

const TAP_HZ = 5;
const CAP = 3;
const TARGET_TAPS_PER_SEC = 1000; // the activity default

export interface RainRun {
  taps: number;
  grabs: number;
  /** GRAB answers per second over the rain, and in its busiest second. */
  perSec: number;
  peakPerSec: number;
  p50: number;
  p99: number;
  granted: number;
  grantedCents: number;
  codes: Record<string, number>;
  overGrant: number;
  unanswered: number;
  firstPpm: number;
}

export interface RainCase {
  n: number;
  packets: number;
  totalCents: number;
  durationMs: number;
  runs: RainRun[];
  perSec: Over;
  peakPerSec: Over;
  p99: Over;
  p50: Over;
}

interface RoomRainStats {
  grantedPackets: number;
  grantedCents: number;
  packetsLeft: number;
}

export async function redPacketStorm(ctx: Ctx, ns: readonly number[]): Promise<RainCase[]> {
  const cases: RainCase[] = [];
  const durationMs = ctx.full ? 20_000 : 5_000;
  for (const n of ns) {
    ctx.progress.scope(`red-packet storm · N=${n}`);
    // Twice as many packets as a rain at the target rate could hand out: the pool outlasts the rain.
    const packets = Math.min(100_000, Math.round((TARGET_TAPS_PER_SEC * durationMs) / 1000) * 2);
    const totalCents = packets * 50;
    const runs: RainRun[] = [];
    const pool = ClientPool.start(clientProcesses(n));
    try {
      for (let r = 0; r < ctx.runs; r++) {
        // A fresh activity per run: the cap is per activity, so a second rain would start capped.
        const id = `rain-${n}-${Date.now().toString(36)}-${r}`;
        await ctx.api.createActivity(
          benchActivity(id, {
            questions: 1,
            rains: [
              { totalCents, count: packets, targetTapsPerSec: TARGET_TAPS_PER_SEC, durationMs, seed: id },
            ],
          }),
        );
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: opening ${n} sockets`);
        const opened = await openAll(pool, {
          wsBase: ctx.wsBase,
          path: `/rooms/${id}/ws`,
          users: userIds(`g${id}`, n),
          n,
          concurrency: ctx.concurrency,
          timeoutMs: 120_000,
        });
        if (opened.failed > 0)
          ctx.progress.warn(`${opened.failed} sockets failed: ${opened.errors.join("; ")}`);
        await ctx.api.control(id, "open");
        await pool.all<"grabArm">(() => ({
          cmd: "grabArm",
          rain: 0,
          tapHz: TAP_HZ,
          maxMs: durationMs + 5000,
        }));
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: raining ${durationMs / 1000} s`);
        await ctx.api.control(id, "rains/0/start");
        const parts = await pool.all<"grabWait">(() => ({ cmd: "grabWait", timeoutMs: 10_000 }));
        const stats = ((await ctx.api.stats(id)) as { stats: RoomRainStats }).stats;
        const run = judge(
          parts.flatMap((p) => p.records),
          stats,
          packets,
          totalCents,
        );
        run.taps = sum(parts.map((p) => p.taps));
        run.unanswered = sum(parts.map((p) => p.unanswered));
        run.firstPpm = parts[0]?.throttles[0] ?? 0;
        runs.push(run);
        ctx.progress.step(`run ${r + 1}: ${run.grabs} grabs, p99 ${run.p99.toFixed(1)} ms`);
        await closeAll(pool);
      }
    } finally {
      await pool.stop();
    }
    const c: RainCase = {
      n,
      packets,
      totalCents,
      durationMs,
      runs,
      perSec: overRuns(runs.map((x) => x.perSec)),
      peakPerSec: overRuns(runs.map((x) => x.peakPerSec)),
      p50: overRuns(runs.map((x) => x.p50)),
      p99: overRuns(runs.map((x) => x.p99)),
    };
    cases.push(c);
    ctx.progress.done(
      `${c.perSec.median.toFixed(0)} grabs/s, p99 ${c.p99.median.toFixed(1)} ms, over-grant ${sum(runs.map((x) => x.overGrant))}`,
    );
  }
  return cases;
}

function judge(records: GrabRecord[], room: RoomRainStats, packets: number, totalCents: number): RainRun {
  const ok = records.filter((r) => r.status === liveroom.Status.OK);
  const lat = records.map((r) => r.recvAt - r.sentAt);
  const codes: Record<string, number> = {};
  for (const r of records) {
    const name = r.status === liveroom.Status.OK ? "OK" : (liveroom.Code[r.code] ?? String(r.code));
    codes[name] = (codes[name] ?? 0) + 1;
  }
  const perUser = new Map<string, number>();
  for (const r of ok) perUser.set(r.user, (perUser.get(r.user) ?? 0) + 1);
  const grantedCents = sum(ok.map((r) => r.amountCents));
  // Each way money could leave twice counts as over-grant.
  const overGrant =
    Math.max(0, ok.length - packets) +
    (grantedCents > totalCents ? 1 : 0) +
    [...perUser.values()].filter((k) => k > CAP).length +
    (room.grantedPackets === ok.length ? 0 : Math.abs(room.grantedPackets - ok.length)) +
    (room.grantedCents === grantedCents ? 0 : 1);
  const first = Math.min(...records.map((r) => r.sentAt));
  const last = Math.max(...records.map((r) => r.recvAt));
  return {
    taps: 0,
    grabs: records.length,
    perSec: records.length / (Math.max(last - first, 1) / 1000),
    peakPerSec: peakInWindow(
      records.map((r) => r.recvAt),
      1000,
    ),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    granted: ok.length,
    grantedCents,
    codes,
    overGrant,
    unanswered: 0,
    firstPpm: 0,
  };
}
