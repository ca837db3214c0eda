import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../../durable-objects/features/rain/prng";
import {
  doubleAverageSplit,
  shuffleInPlace,
  splitRedPackets,
} from "../../../durable-objects/features/rain/split";

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

// Totals from 1 cent to 10 million cents, counts up to the total (capped to keep runs fast).
const totalAndCount = fc
  .integer({ min: 1, max: 10_000_000 })
  .chain((total) => fc.tuple(fc.constant(total), fc.integer({ min: 1, max: Math.min(total, 2_000) })));

describe("splitRedPackets", () => {
  it("every packet is an integer ≥ 1 and the sum is exactly the total", () => {
    fc.assert(
      fc.property(totalAndCount, fc.string(), ([total, count], seed) => {
        const packets = splitRedPackets(total, count, seed);
        expect(packets).toHaveLength(count);
        expect(packets.filter((p) => !Number.isSafeInteger(p) || p < 1)).toEqual([]);
        expect(sum(packets)).toBe(total);
      }),
      { numRuns: 300 },
    );
  });

  it("the same inputs give the same array", () => {
    fc.assert(
      fc.property(totalAndCount, fc.string(), ([total, count], seed) => {
        expect(splitRedPackets(total, count, seed)).toEqual(splitRedPackets(total, count, seed));
      }),
      { numRuns: 100 },
    );
  });

  it("pins one split: stored seeds must keep producing the stored packets", () => {
    expect(splitRedPackets(1000, 10, "seed")).toEqual([110, 28, 16, 14, 42, 422, 39, 36, 170, 123]);
  });

  it("different seeds differ: 1,000 seeds give 1,000 distinct splits of 100.00 into 20", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(splitRedPackets(10_000, 20, `seed-${i}`).join(","));
    expect(seen.size).toBe(1000);
  });

  it("count = total gives all ones; count = 1 gives [total]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.string(), (total, seed) => {
        expect(splitRedPackets(total, total, seed)).toEqual(new Array(total).fill(1));
        expect(splitRedPackets(total, 1, seed)).toEqual([total]);
      }),
      { numRuns: 50 },
    );
  });

  it("mean is exactly total / count, and no packet exceeds total − (count − 1)", () => {
    fc.assert(
      fc.property(totalAndCount, fc.string(), ([total, count], seed) => {
        const packets = splitRedPackets(total, count, seed);
        expect(sum(packets) / count).toBe(total / count);
        expect(Math.max(...packets)).toBeLessThanOrEqual(total - (count - 1));
      }),
      { numRuns: 200 },
    );
  });

  it("is a shuffle of the double-average draws made from the same generator", () => {
    fc.assert(
      fc.property(totalAndCount, fc.string(), ([total, count], seed) => {
        expect(sorted(splitRedPackets(total, count, seed))).toEqual(
          sorted(doubleAverageSplit(total, count, seededRng(seed))),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("handles totals up to Number.MAX_SAFE_INTEGER exactly", () => {
    const total = Number.MAX_SAFE_INTEGER;
    for (const count of [1, 2, 3, 1000]) {
      const packets = splitRedPackets(total, count, `big-${count}`);
      expect(packets.every((p) => Number.isSafeInteger(p) && p >= 1)).toBe(true);
      expect(sum(packets)).toBe(total);
    }
  });

  it("splits 100,000 packets exactly", () => {
    const packets = splitRedPackets(100_000_00, 100_000, "storm");
    expect(packets).toHaveLength(100_000);
    expect(packets.every((p) => Number.isInteger(p) && p >= 1)).toBe(true);
    expect(sum(packets)).toBe(100_000_00);
  });

  it("shuffles: over 300 seeds the first packet sometimes exceeds twice the average", () => {
    // Unshuffled, the first packet is always ≤ 2 × total / count; later ones can be far larger.
    const firsts = Array.from({ length: 300 }, (_, i) => splitRedPackets(10_000, 100, `s${i}`)[0]!);
    expect(firsts.some((p) => p > 200)).toBe(true);
    for (let i = 0; i < 300; i++) {
      expect(doubleAverageSplit(10_000, 100, seededRng(`s${i}`))[0]!).toBeLessThanOrEqual(200);
    }
  });

  it("throws a RangeError for invalid input", () => {
    const bad: [number, number][] = [
      [100, 0],
      [100, -1],
      [100, 101],
      [100.5, 10],
      [100, 2.5],
      [Number.NaN, 1],
      [100, Number.NaN],
      [Number.MAX_SAFE_INTEGER + 1, 1],
      [Number.POSITIVE_INFINITY, 1],
      [0, 0],
    ];
    for (const [total, count] of bad) expect(() => splitRedPackets(total, count, "s")).toThrow(RangeError);
  });
});

describe("doubleAverageSplit", () => {
  it("draws each packet in [1, min(floor(2R / k), R − (k − 1))] and gives the last the rest", () => {
    fc.assert(
      fc.property(totalAndCount, fc.string(), ([total, count], seed) => {
        const packets = doubleAverageSplit(total, count, seededRng(seed));
        const outOfRange: number[] = [];
        let remaining = total;
        for (let i = 0; i < count - 1; i++) {
          const k = count - i;
          const p = packets[i]!;
          if (p < 1 || p > Math.min(Math.floor((2 * remaining) / k), remaining - (k - 1))) outOfRange.push(i);
          remaining -= p;
        }
        expect(outOfRange).toEqual([]);
        expect(packets[count - 1]).toBe(remaining);
      }),
      { numRuns: 200 },
    );
  });

  it("reaches both ends of its range: a two-packet split of 4 takes every value 1 … 3", () => {
    const firsts = new Set(
      Array.from({ length: 200 }, (_, i) => doubleAverageSplit(4, 2, seededRng(`${i}`))[0]),
    );
    expect(sorted([...firsts] as number[])).toEqual([1, 2, 3]);
  });
});

describe("shuffleInPlace", () => {
  it("returns a permutation of its input, in the same array", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.string(), (items, seed) => {
        const copy = [...items];
        const out = shuffleInPlace(copy, seededRng(seed));
        expect(out).toBe(copy);
        expect(sorted(out)).toEqual(sorted(items));
      }),
    );
  });
});
