import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitPrize } from "../../../durable-objects/features/quiz/prize";

describe("splitPrize", () => {
  it("gives the remainder one cent each to the first winners by user id", () => {
    expect(splitPrize(100, ["c", "a", "b"])).toEqual({
      baseShareCents: 33,
      remainder: 1,
      shares: [
        { userId: "a", cents: 34 },
        { userId: "b", cents: 33 },
        { userId: "c", cents: 33 },
      ],
    });
  });

  it("splits nothing among nobody", () => {
    expect(splitPrize(5_000, [])).toEqual({ baseShareCents: 0, remainder: 0, shares: [] });
  });

  it("refuses a fractional or negative pool", () => {
    expect(() => splitPrize(10.5, ["a"])).toThrow(RangeError);
    expect(() => splitPrize(-1, ["a"])).toThrow(RangeError);
  });

  it("always sums exactly to the pool, shares differ by at most one cent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 300 }),
        (pool, ids) => {
          const { shares, baseShareCents, remainder } = splitPrize(pool, ids);
          expect(shares.length).toBe(ids.length);
          expect(shares.reduce((sum, s) => sum + s.cents, 0)).toBe(pool);
          expect(shares.filter((s) => s.cents === baseShareCents + 1).length).toBe(remainder);
          expect(shares.every((s) => Number.isInteger(s.cents) && s.cents >= baseShareCents)).toBe(true);
          expect(new Set(shares.map((s) => s.userId))).toEqual(new Set(ids));
        },
      ),
      { numRuns: 500 },
    );
  });
});
