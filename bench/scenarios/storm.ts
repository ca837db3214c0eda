// Scenario 4, connect storm: N viewers connect to a fresh room (token checked in the Worker, the
// player looked up once), all drop, the room moves on (opened, a question pushed), and all
// reconnect and RESUME from 0: handshakes per second, time until every socket has its Resumed
// answer and both missed frames, failures. The bare DO's connect rate is the baseline.
import { benchActivity } from "../admin";
import { ClientPool } from "../clients/pool";
import { closeAll, openAll } from "../clients/ops";
import { type Ctx, clientProcesses, userIds } from "../context";
import { type Over, overRuns } from "../stats";

export interface StormRun {
  firstPerSec: number;
  firstMs: number;
  dropMs: number;
  backPerSec: number;
  /** From the first reconnect until the last socket had its Resumed answer and the replay. */
  allBackMs: number;
  failures: number;
  resumed: number;
  replayed: number;
  gaps: number;
  barePerSec: number;
}

export interface StormCase {
  n: number;
  concurrency: number;
  runs: StormRun[];
  firstPerSec: Over;
  backPerSec: Over;
  allBackMs: Over;
  barePerSec: Over;
}

/** ROOM_OPENED and QUESTION happen while everyone is away. */
const MISSED = 2;

export async function connectStorm(ctx: Ctx, ns: readonly number[]): Promise<StormCase[]> {
  const cases: StormCase[] = [];
  for (const n of ns) {
    ctx.progress.scope(`connect storm · N=${n}`);
    const pool = ClientPool.start(clientProcesses(n));
    const runs: StormRun[] = [];
    try {
      for (let r = 0; r < ctx.runs; r++) {
        const id = `storm-${n}-${Date.now().toString(36)}-${r}`;
        await ctx.api.createActivity(benchActivity(id, { questions: 1 }));
        const spec = {
          wsBase: ctx.wsBase,
          path: `/rooms/${id}/ws`,
          users: userIds(`s${id}`, n),
          n,
          concurrency: ctx.concurrency,
          timeoutMs: 120_000,
        };
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: ${n} first connections`);
        const first = await openAll(pool, spec);
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: all drop`);
        const dropMs = await closeAll(pool);
        await ctx.api.control(id, "open");
        await ctx.api.control(id, "questions/0/push");
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: all reconnect and resume`);
        const back = await openAll(pool, { ...spec, resumeAfter: 0 });
        await closeAll(pool);
        ctx.progress.step(`run ${r + 1}/${ctx.runs}: bare DO baseline`);
        const bare = await openAll(pool, { ...spec, users: null, path: `/bench/bare/${id}/ws` });
        await closeAll(pool);
        const run: StormRun = {
          firstPerSec: first.opened / (first.elapsedMs / 1000),
          firstMs: first.elapsedMs,
          dropMs,
          backPerSec: back.opened / (Math.max(...back.handshakeMs) / 1000),
          allBackMs: back.resumedMs.length === n ? Math.max(...back.resumedMs) : Number.NaN,
          failures: first.failed + back.failed + (back.opened - back.resumedMs.length),
          resumed: back.resumedMs.length,
          replayed: back.replayed,
          gaps: back.gaps,
          barePerSec: bare.opened / (bare.elapsedMs / 1000),
        };
        if (back.replayed !== back.resumedMs.length * MISSED)
          ctx.progress.warn(`replayed ${back.replayed} frames, expected ${back.resumedMs.length * MISSED}`);
        if (run.failures > 0)
          ctx.progress.warn(`${run.failures} failures: ${[...first.errors, ...back.errors].join("; ")}`);
        runs.push(run);
      }
    } finally {
      await pool.stop();
    }
    const c: StormCase = {
      n,
      concurrency: ctx.concurrency,
      runs,
      firstPerSec: overRuns(runs.map((x) => x.firstPerSec)),
      backPerSec: overRuns(runs.map((x) => x.backPerSec)),
      allBackMs: overRuns(runs.map((x) => x.allBackMs)),
      barePerSec: overRuns(runs.map((x) => x.barePerSec)),
    };
    cases.push(c);
    ctx.progress.done(
      `first ${c.firstPerSec.median.toFixed(0)}/s, back ${c.backPerSec.median.toFixed(0)}/s, all back in ${c.allBackMs.median.toFixed(0)} ms, bare DO ${c.barePerSec.median.toFixed(0)}/s`,
    );
  }
  return cases;
}
