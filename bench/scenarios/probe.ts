// The connect-path probe behind scenario 4: the same paced handshakes into ProbeRoom with one
// step of liveroom's upgrade at a time, to see which one costs (bench/baselines/probe-room.ts).
import { ClientPool } from "../clients/pool";
import { closeAll, openAll } from "../clients/ops";
import type { Ctx } from "../context";
import { type Over, overRuns } from "../stats";

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
