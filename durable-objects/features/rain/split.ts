// The amounts of one rain's packets, reproducible from (totalCents, count, seed): never stored, each
// user derives them (through the memoized `rainPackets` in packets.ts), and anyone can audit a rain.

import { type Rng, randomInt, seededRng } from "./prng";

function assertSplittable(totalCents: number, count: number): void {
  if (!Number.isSafeInteger(totalCents) || !Number.isSafeInteger(count)) {
    throw new RangeError(`split: totalCents and count must be safe integers (${totalCents}, ${count})`);
  }
  if (count < 1) throw new RangeError(`split: count must be ≥ 1 (${count})`);
  if (count > totalCents) throw new RangeError(`split: count ${count} > totalCents ${totalCents}`);
}

/**
 * floor(2 × remaining / left) without ever forming 2 × remaining, which can pass 2⁵³.
 * With remaining = q × left + r (0 ≤ r < left): floor(2 × remaining / left) = 2q + floor(2r / left).
 */
function doubleAverageBound(remaining: number, left: number): number {
  const r = remaining % left;
  const q = (remaining - r) / left;
  return 2 * q + Math.floor((2 * r) / left);
}

/**
 * The double-average split in generation order, before the shuffle: `rng` is consumed as it goes.
 * With R cents and k packets still to make (R ≥ k ≥ 2), the next packet is a uniform integer in
 * [1, max] where max = min(floor(2R / k), R − (k − 1)) — at most twice the current average, and
 * leaving at least 1 cent for each of the k − 1 packets after it. The last packet (k = 1) is R.
 * Exported for tests and audits; rains use `splitRedPackets` (through `rainPackets`).
 *
 * @example doubleAverageSplit(1000, 3, seededRng("s")) // → e.g. [412, 127, 461]: each ≤ 2 × the average left
 */
export function doubleAverageSplit(totalCents: number, count: number, rng: Rng): number[] {
  assertSplittable(totalCents, count);
  const packets = new Array<number>(count);
  let remaining = totalCents;
  for (let i = 0; i < count - 1; i++) {
    const left = count - i;
    const max = Math.min(doubleAverageBound(remaining, left), remaining - (left - 1));
    const amount = 1 + randomInt(rng, max);
    packets[i] = amount;
    remaining -= amount;
  }
  packets[count - 1] = remaining;
  return packets;
}

/**
 * Fisher–Yates shuffle in place, driven by `rng` (from the last index down, swapping i with a
 * uniform j in [0, i]). Returns the same array.
 *
 * @example shuffleInPlace([1, 2, 3], seededRng("s")) // → a permutation of [1, 2, 3]
 */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

/**
 * One rain's packet amounts: `count` integers, each ≥ 1 cent, summing exactly to
 * `totalCents`, reproducible from `seed` (same inputs → same array, on every runtime).
 *
 * Method: one generator, `seededRng(seed)` (cyrb128 → sfc32, see prng.ts), first draws the packets
 * with the double-average method (`doubleAverageSplit`: each packet uniform in
 * [1, min(floor(2R / k), R − (k − 1))] for R cents and k packets left, the last gets the rest R), then
 * keeps drawing to shuffle them (`shuffleInPlace`, Fisher–Yates), because the double-average
 * method makes later packets more variable and the pool is consumed in order: without the shuffle,
 * the last grabbers would hold the largest and smallest packets. O(count); 100,000 packets take
 * about 8 ms in Node 20. Callers go through `rainPackets` (packets.ts), which memoizes recent splits.
 *
 * Throws a RangeError for a non-integer or unsafe total or count, count < 1 or count > totalCents:
 * the HTTP layer validates first, so a throw here is a bug.
 *
 * @example splitRedPackets(10_000, 50, "act-7/rain-0") // → 50 amounts, each ≥ 1, summing to 10_000
 */
export function splitRedPackets(totalCents: number, count: number, seed: string): number[] {
  const rng = seededRng(seed);
  return shuffleInPlace(doubleAverageSplit(totalCents, count, rng), rng);
}
