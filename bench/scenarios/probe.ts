// The connect-path probe behind scenario 4: the same paced handshakes into ProbeRoom with one
// step of liveroom's upgrade at a time, to see which one costs (bench/baselines/probe-room.ts).
import { ClientPool } from "../clients/pool";
import { armAll, closeAll, collectAll, openAll } from "../clients/ops";
import { now } from "../clients/socks";
import type { Ctx } from "../context";
import { type Over, overRuns, spread } from "../stats";

export const PROBE_MODES = ["none", "sql", "d1", "d1sql"] as const;
export type ProbeMode = (typeof PROBE_MODES)[number];

export interface ProbeRow {
  mode: ProbeMode;
  perSec: Over;
}

export async function connectProbe(ctx: Ctx, n: number): Promise<ProbeRow[]> {
  ctx.progress.scope(`connect-path probe · N=${n}`);
  const pool = ClientPool.start(1);
  const rates = new Map<ProbeMode, number[]>(PROBE_MODES.map((m) => [m, []]));
  try {
    // Modes interleaved within each run, so a busy moment on the machine hits them alike.
    for (let r = 0; r < ctx.runs; r++) {
      for (const mode of PROBE_MODES) {
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: ${mode}`);
        const opened = await openAll(pool, {
          wsBase: ctx.wsBase,
          path: `/bench/probe/p-${mode}-${r}-${Date.now().toString(36)}/ws?mode=${mode}`,
          users: null,
          n,
          concurrency: ctx.concurrency,
          timeoutMs: 60_000,
        });
        rates.get(mode)!.push(opened.opened / (opened.elapsedMs / 1000));
        await closeAll(pool);
      }
    }
  } finally {
    await pool.stop();
  }
  const rows = PROBE_MODES.map((mode) => ({ mode, perSec: overRuns(rates.get(mode)!) }));
  ctx.progress.done(rows.map((x) => `${x.mode} ${x.perSec.median.toFixed(0)}/s`).join(", "));
  return rows;
}

export interface FanoutProbeRow {
  mode: "none" | "sql";
  first: Over;
  last: Over;
}

/**
 * The fan-out probe: the same 125-byte broadcast from ProbeRoom to `n` sockets, with and without
 * storing the frame in SQLite first (liveroom stores every notification for RESUME before sending
 * it, so the output gate holds the sends until the write is durable). Rounds interleaved.
 */
export async function fanoutProbe(ctx: Ctx, n: number, rounds: number): Promise<FanoutProbeRow[]> {
  ctx.progress.scope(`fan-out probe · N=${n}`);
  const pool = ClientPool.start(1);
  const modes = ["none", "sql"] as const;
  const got = new Map(modes.map((m) => [m, { first: [] as number[], last: [] as number[] }]));
  const room = `/bench/probe/fp-${Date.now().toString(36)}`;
  try {
    await openAll(pool, {
      wsBase: ctx.wsBase,
      path: `${room}/ws`,
      users: null,
      n,
      concurrency: ctx.concurrency,
      timeoutMs: 60_000,
    });
    for (let r = 0; r <= rounds; r++) {
      for (const mode of modes) {
        ctx.progress.step(`round ${r}/${rounds}: ${mode}`);
        await armAll(pool);
        const t0 = now();
        await fetch(`${ctx.rt.base}${room}?mode=${mode}`, { method: "POST", body: new Uint8Array(125) });
        const s = spread((await collectAll(pool, 10_000)).arrivals.map((t) => t - t0));
        if (r > 0) {
          got.get(mode)!.first.push(s.min);
          got.get(mode)!.last.push(s.max);
        }
        await new Promise((w) => setTimeout(w, 150));
      }
    }
    await closeAll(pool);
  } finally {
    await pool.stop();
  }
  const rows = modes.map((mode) => ({
    mode,
    first: overRuns(got.get(mode)!.first),
    last: overRuns(got.get(mode)!.last),
  }));
  ctx.progress.done(
    rows
      .map((x) => `${x.mode}: first ${x.first.median.toFixed(1)} ms, last ${x.last.median.toFixed(1)} ms`)
      .join("; "),
  );
  return rows;
}
