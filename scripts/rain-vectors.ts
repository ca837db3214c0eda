// Prints the rain reference vectors of docs/red-packets.md from the code: `npx tsx scripts/rain-vectors.ts`.
import { createHash } from "node:crypto";
import { cyrb128, seededRng } from "../durable-objects/features/rain/prng";
import { doubleAverageSplit, splitRedPackets } from "../durable-objects/features/rain/split";

const CASES: [number, number, string][] = [
  [10_000, 10, "demo"],
  [20_000, 200, "seed-1"],
  [1_000, 7, "红包-🧧"],
  [2_147_483_650, 2, "reject"],
  [9_007_199_254_740_991, 3, "big-1"],
];

for (const [totalCents, count, seed] of CASES) {
  const packets = splitRedPackets(totalCents, count, seed);
  const text = packets.join(",");
  console.log(
    JSON.stringify({
      totalCents,
      count,
      seed,
      unshuffled: doubleAverageSplit(totalCents, count, seededRng(seed)).slice(0, 5),
      first: packets.slice(0, 5),
      min: Math.min(...packets),
      max: Math.max(...packets),
      sum: packets.reduce((a, b) => a + b, 0),
      sha256: createHash("sha256").update(text).digest("hex"),
      text: count <= 10 ? text : undefined,
    }),
  );
}
for (const seed of ["demo", "红包-🧧"]) {
  const rng = seededRng(seed);
  console.log(
    seed,
    "cyrb128",
    cyrb128(seed).join(","),
    "after warm-up",
    Array.from({ length: 5 }, () => rng()).join(","),
  );
}
