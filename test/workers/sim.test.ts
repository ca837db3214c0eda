// The fault simulation in CI (issue 14): a fixed handful of seeds of `npm run sim`, the same code
// (test/sim), on three-shard rooms. A failure names the seed and the command that replays it.
import { describe, expect, it } from "vitest";
import { replayCommand } from "../sim/plan";
import { runSeed } from "../sim/show";

const SEEDS = [1, 2, 3, 4, 5];
const SHARDS = 3;

describe("fault simulation, fixed seeds", () => {
  it.each(SEEDS)(
    "seed %i plays, settles and keeps every invariant",
    async (seed) => {
      try {
        const f = await runSeed(seed, SHARDS, "ci");
        expect(f.seed).toBe(seed);
      } catch (err) {
        throw new Error(`seed ${seed}: ${String(err)}\nreplay: ${replayCommand(seed, SHARDS)}`);
      }
    },
    120_000,
  );
});
