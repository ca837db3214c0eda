// Scenario 5, danmaku: 40 senders post one ~130-byte danmaku every 2 s (20 a second) into a room
// of N sockets. liveroom batches them into one DANMAKU_TICK frame per 200 ms tick; the baseline
// (the bare DO relaying every binary frame) sends one frame per danmaku. Frames and bytes each
// socket receives per second, danmaku shown, and the delivery time from send to screen.
import { benchActivity } from "../admin";
import { closeAll, openAll, sum } from "../clients/ops";
import { ClientPool } from "../clients/pool";
import type { DanmakuResult } from "../clients/protocol";
import { type Ctx, clientProcesses, userIds } from "../context";
import { type Over, overRuns, percentile } from "../stats";

const SENDERS = 40;
const INTERVAL_MS = 2000;
const SAMPLE_EVERY = 5;
/** `BENCH_DANMAKU_MODES=ticks` measures liveroom's ticks alone (the relay baseline takes minutes at 5,000). */
const MODES = (["liveroom ticks", "frame per danmaku"] as const).filter(
  (m) => process.env.BENCH_DANMAKU_MODES !== "ticks" || m === "liveroom ticks",
);

export interface DanmakuCase {
  n: number;
  mode: "liveroom ticks" | "frame per danmaku";
  durationMs: number;
  framesPerSocketPerSec: Over;
  bytesPerSocketPerSec: Over;
  shownPerSec: Over;
  p50: Over;
  p99: Over;
  sentPerSec: Over;
  refused: Record<string, number>;
  /** The room's own counters after every run (liveroom only): accepted, shown, let go by sampling. */
  room: { in: number; shown: number; dropped: number } | null;
}

export async function danmakuScenario(ctx: Ctx, ns: readonly number[]): Promise<DanmakuCase[]> {
  const cases: DanmakuCase[] = [];
  const durationMs = ctx.full ? 15_000 : 5_000;
  for (const n of ns) {
    for (const mode of MODES) {
      ctx.progress.scope(`danmaku · ${mode} · N=${n}`);
      const pool = ClientPool.start(clientProcesses(n));
      const runs: DanmakuResult[] = [];
      let room: DanmakuCase["room"] = null;
      try {
        const tag = `${n}-${Date.now().toString(36)}`;
        const id = `dm-${tag}`;
        const live = mode === "liveroom ticks";
        if (live) await ctx.api.createActivity(benchActivity(id, { questions: 1 }));
        ctx.progress.step(`opening ${n} sockets`);
        await openAll(pool, {
          wsBase: ctx.wsBase,
          path: live ? `/rooms/${id}/ws` : `/bench/bare/${id}/ws`,
          users: live ? userIds(`d${tag}`, n) : null,
          n,
          concurrency: ctx.concurrency,
          timeoutMs: 120_000,
        });
        if (live) await ctx.api.control(id, "open");
        const shares = pool.shares(n);
        const senders = Array.from({ length: SENDERS }, (_, k) => Math.floor((k * n) / SENDERS));
        for (let r = 0; r < ctx.runs; r++) {
          ctx.progress.step(`run ${r + 1}/${ctx.runs}: ${durationMs / 1000} s of danmaku`);
          await pool.all<"danmakuArm">((c) => {
            const { from, count } = shares[c]!;
            return {
              cmd: "danmakuArm",
              mode: live ? "liveroom" : "relay",
              senders: senders.filter((i) => i >= from && i < from + count).map((i) => i - from),
              intervalMs: INTERVAL_MS,
              durationMs,
              sampleEvery: SAMPLE_EVERY,
            };
          });
          const parts = await pool.all<"danmakuWait">(() => ({ cmd: "danmakuWait", timeoutMs: 1500 }));
          runs.push(mergeDanmaku(parts));
        }
        if (live) {
          const { stats } = (await ctx.api.stats(id)) as {
            stats: { danmakuIn: number; danmakuShown: number; danmakuDropped: number };
          };
          room = { in: stats.danmakuIn, shown: stats.danmakuShown, dropped: stats.danmakuDropped };
        }
        await closeAll(pool);
      } finally {
        await pool.stop();
      }
      const secs = durationMs / 1000;
      const refused: Record<string, number> = {};
      for (const r of runs)
        for (const [k, v] of Object.entries(r.refused)) refused[k] = (refused[k] ?? 0) + v;
      const c: DanmakuCase = {
        n,
        mode,
        durationMs,
        framesPerSocketPerSec: overRuns(runs.map((r) => r.frames / r.sockets / secs)),
        bytesPerSocketPerSec: overRuns(runs.map((r) => r.bytes / r.sockets / secs)),
        shownPerSec: overRuns(runs.map((r) => r.items / r.sockets / secs)),
        p50: overRuns(runs.map((r) => percentile(r.latencies, 50))),
        p99: overRuns(runs.map((r) => percentile(r.latencies, 99))),
        sentPerSec: overRuns(runs.map((r) => r.sent / secs)),
        refused,
        room,
      };
      cases.push(c);
      ctx.progress.done(
        `${c.framesPerSocketPerSec.median.toFixed(1)} frames/s and ${c.bytesPerSocketPerSec.median.toFixed(0)} B/s per socket, p99 ${c.p99.median.toFixed(0)} ms${room === null ? "" : `; the room: ${room.in} in, ${room.shown} shown, ${room.dropped} dropped`}`,
      );
    }
  }
  return cases;
}

/** One run's figures over every client process. */
export function mergeDanmaku(parts: DanmakuResult[]): DanmakuResult {
  const refused: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.refused)) refused[k] = (refused[k] ?? 0) + v;
  return {
    sockets: sum(parts.map((p) => p.sockets)),
    frames: sum(parts.map((p) => p.frames)),
    bytes: sum(parts.map((p) => p.bytes)),
    items: sum(parts.map((p) => p.items)),
    sent: sum(parts.map((p) => p.sent)),
    acked: sum(parts.map((p) => p.acked)),
    refused,
    latencies: parts.flatMap((p) => p.latencies),
  };
}
