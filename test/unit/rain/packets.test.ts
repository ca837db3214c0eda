import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rainPackets } from "../../../durable-objects/features/rain/packets";
import { splitRedPackets } from "../../../durable-objects/features/rain/split";

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe("rainPackets", () => {
  it("is splitRedPackets(totalCents, count, seed)", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 1_000_000 })
          .chain((total) =>
            fc.tuple(fc.constant(total), fc.integer({ min: 1, max: Math.min(total, 500) }), fc.string()),
          ),
        ([totalCents, count, seed]) => {
          expect(rainPackets({ totalCents, count, seed })).toEqual(splitRedPackets(totalCents, count, seed));
        },
      ),
    );
  });

  it("reads only totalCents, count and seed: a full RainConfig gives the same packets", () => {
    const rain = { totalCents: 5_000, count: 40, seed: "full", targetTapsPerSec: 7, durationMs: 9_000 };
    expect(rainPackets(rain)).toEqual(splitRedPackets(5_000, 40, "full"));
  });

  it("answers a repeated rain from the cache: the same array, equal to a fresh split", () => {
    const rain = { totalCents: 10_000, count: 50, seed: "cached" };
    const first = rainPackets(rain);
    expect(rainPackets({ ...rain })).toBe(first);
    expect(rainPackets(rain)).toEqual(splitRedPackets(10_000, 50, "cached"));
  });

  it("tells rains apart by total, count and seed", () => {
    const base = { totalCents: 1_000, count: 10, seed: "a" };
    const variants = [base, { ...base, totalCents: 1_001 }, { ...base, count: 11 }, { ...base, seed: "b" }];
    for (const r of variants) expect(rainPackets(r)).toEqual(splitRedPackets(r.totalCents, r.count, r.seed));
    // Colons in a seed cannot make two rains share a key: the total and count come first, as integers.
    const x = rainPackets({ totalCents: 12, count: 3, seed: "4:5" });
    expect(x).toEqual(splitRedPackets(12, 3, "4:5"));
    expect(rainPackets({ totalCents: 12, count: 3, seed: "4:6" })).toEqual(splitRedPackets(12, 3, "4:6"));
  });

  it("keeps the 4 most recently used rains and recomputes an evicted one, equal to before", () => {
    const rains = Array.from({ length: 5 }, (_, i) => ({
      totalCents: 1_000 + i,
      count: 20,
      seed: `lru-${i}`,
    }));
    const [p0, p1] = rains.slice(0, 4).map((r) => rainPackets(r));
    // rains[0] is used again (now the most recent), so rains[4] evicts rains[1], the least recent.
    expect(rainPackets(rains[0]!)).toBe(p0);
    rainPackets(rains[4]!);
    expect(rainPackets(rains[0]!)).toBe(p0);
    const again = rainPackets(rains[1]!);
    expect(again).not.toBe(p1);
    expect(again).toEqual(p1);
    expect(again).toEqual(splitRedPackets(1_001, 20, "lru-1"));
  });

  it("a 100,000-packet rain sums exactly to its total, every packet ≥ 1 cent", () => {
    for (const totalCents of [100_000, 100_000_00, 987_654_321]) {
      const packets = rainPackets({ totalCents, count: 100_000, seed: `big-${totalCents}` });
      expect(packets).toHaveLength(100_000);
      expect(packets.every((p) => Number.isSafeInteger(p) && p >= 1)).toBe(true);
      expect(sum(packets)).toBe(totalCents);
    }
    // count === totalCents forces every packet to 1 cent.
    expect(rainPackets({ totalCents: 100_000, count: 100_000, seed: "ones" }).every((p) => p === 1)).toBe(
      true,
    );
  });
});
