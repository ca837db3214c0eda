// `npm run sim` (scripts/sim.mjs): seeds SIM_FROM … SIM_FROM + SIM_SEEDS − 1 on rooms of SIM_SHARDS
// shards, SIM_PARALLEL seeds at a time (each its own room; most of a seed is waiting on the room's
// objects and the Queue), one test per group; the runner stops at the first failing group (--bail).
// Each seed prints one `@@sim` line with its figures, or `@@sim-fail` with its replay command.
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { replayCommand } from "./plan";
import { runSeed } from "./show";

const vars = env as unknown as Record<string, string | undefined>;
const from = Number(vars.SIM_FROM ?? 1);
const seeds = Number(vars.SIM_SEEDS ?? 1);
const shards = Number(vars.SIM_SHARDS ?? 3);
const parallel = Math.max(1, Number(vars.SIM_PARALLEL ?? 1));

async function one(seed: number): Promise<string | null> {
  try {
    const figures = await runSeed(seed, shards);
    console.log(`@@sim ${JSON.stringify(figures)}`);
    return null;
  } catch (err) {
    const replay = replayCommand(seed, shards);
    console.log(`@@sim-fail ${JSON.stringify({ seed, shards, error: String(err), replay })}`);
    return `seed ${seed} (${shards} shards): ${String(err)}\nreplay: ${replay}`;
  }
}

describe("fault simulation", () => {
  for (let first = from; first < from + seeds; first += parallel) {
    const group = Array.from({ length: Math.min(parallel, from + seeds - first) }, (_, i) => first + i);
    it(`seeds ${group[0]}…${group.at(-1)}`, async () => {
      const failed = (await Promise.all(group.map(one))).filter((f) => f !== null);
      if (failed.length > 0) throw new Error(failed.join("\n"));
    }, 300_000);
  }
});
