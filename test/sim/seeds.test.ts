// `npm run sim` (scripts/sim.mjs): seeds SIM_FROM … SIM_FROM + SIM_SEEDS − 1 on rooms of SIM_SHARDS
// shards, one test per seed, in order; the runner stops at the first failure (--bail). Each seed
// prints one `@@sim` line with its figures, which the runner turns into progress and a summary.
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { replayCommand } from "./plan";
import { runSeed } from "./show";

const vars = env as unknown as Record<string, string | undefined>;
const from = Number(vars.SIM_FROM ?? 1);
const seeds = Number(vars.SIM_SEEDS ?? 1);
const shards = Number(vars.SIM_SHARDS ?? 3);

describe("fault simulation", () => {
  for (let seed = from; seed < from + seeds; seed++) {
    it(`seed ${seed}`, async () => {
      try {
        const figures = await runSeed(seed, shards);
        console.log(`@@sim ${JSON.stringify(figures)}`);
      } catch (err) {
        console.log(
          `@@sim-fail ${JSON.stringify({ seed, shards, error: String(err), replay: replayCommand(seed, shards) })}`,
        );
        throw new Error(
          `seed ${seed} (${shards} shards): ${String(err)}\nreplay: ${replayCommand(seed, shards)}`,
        );
      }
    }, 180_000);
  }
});
