import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  availableTokens,
  createBucket,
  refill,
  type TokenBucket,
  take,
} from "../../../durable-objects/kernel/token-bucket";

const bucket = (milliTokens: number, lastRefillMs: number, capacity = 10, ratePerSec = 2): TokenBucket => ({
  capacity,
  ratePerSec,
  milliTokens,
  lastRefillMs,
});

describe("token bucket", () => {
  it("starts full", () => {
    expect(createBucket({ capacity: 200, ratePerSec: 1000 }, 42)).toEqual({
      capacity: 200,
      ratePerSec: 1000,
      milliTokens: 200_000,
      lastRefillMs: 42,
    });
  });

  it("refills ratePerSec tokens per second, exactly, up to capacity", () => {
    expect(refill(bucket(0, 0), 1500)).toEqual(bucket(3000, 1500));
    expect(refill(bucket(0, 0), 1)).toEqual(bucket(2, 1));
    expect(refill(bucket(9000, 0), 10_000)).toEqual(bucket(10_000, 10_000));
  });

  it("grants a full bucket's capacity at once, then one token per 1/rate s", () => {
    let b = createBucket({ capacity: 3, ratePerSec: 4 }, 0);
    const oks: boolean[] = [];
    for (const t of [0, 0, 0, 0, 249, 250, 250, 500]) {
      const r = take(b, t);
      oks.push(r.ok);
      b = r.bucket;
    }
    expect(oks).toEqual([true, true, true, false, false, true, false, true]);
  });

  it("tapping every ms for 1 s from full (capacity 5, 10/s) grants exactly 15", () => {
    let b = createBucket({ capacity: 5, ratePerSec: 10 }, 0);
    let granted = 0;
    for (let t = 0; t <= 1000; t++) {
      const r = take(b, t);
      if (r.ok) granted++;
      b = r.bucket;
    }
    expect(granted).toBe(15);
  });

  it("takes `cost` tokens and refuses what it cannot cover, keeping the refill", () => {
    expect(take(bucket(3000, 0), 0, 3)).toEqual({ ok: true, bucket: bucket(0, 0) });
    expect(take(bucket(2000, 0), 400, 3)).toEqual({ ok: false, bucket: bucket(2800, 400) });
    expect(take(bucket(10_000, 0), 0, 11).ok).toBe(false);
  });

  it("credits nothing when the clock goes backwards, and never the same interval twice", () => {
    const b = bucket(0, 1000);
    expect(refill(b, 400)).toBe(b);
    expect(take(b, 400)).toEqual({ ok: false, bucket: b });
    expect(refill(refill(b, 400), 1500)).toEqual(bucket(1000, 1500));
  });

  it("credits only whole elapsed milliseconds and carries the fraction", () => {
    const b1 = refill(bucket(0, 0), 1.7);
    expect(b1).toEqual(bucket(2, 1));
    expect(refill(b1, 2.4)).toEqual(bucket(4, 2));
  });

  it("fills after a huge gap without overflow", () => {
    expect(refill(bucket(0, 0, 1_000_000, 1_000_000), 1e15)).toEqual(bucket(1e9, 1e15, 1_000_000, 1_000_000));
  });

  it("does not mutate its input", () => {
    const b = Object.freeze(bucket(5000, 0));
    expect(take(b, 100).bucket).not.toBe(b);
    expect(b).toEqual(bucket(5000, 0));
  });

  it("reports whole available tokens", () => {
    expect(availableTokens(bucket(1999, 0), 0)).toBe(1);
    expect(availableTokens(bucket(1999, 0), 1)).toBe(2);
  });

  it("throws a RangeError for a non-positive or fractional capacity, rate or cost", () => {
    expect(() => createBucket({ capacity: 0, ratePerSec: 1 }, 0)).toThrow(RangeError);
    expect(() => createBucket({ capacity: 1, ratePerSec: 0.5 }, 0)).toThrow(RangeError);
    expect(() => take(bucket(1000, 0), 0, 0)).toThrow(RangeError);
    expect(() => take(bucket(1000, 0), 0, 1.5)).toThrow(RangeError);
  });

  it("over any sequence of taps: within [0, capacity], and grants ≤ capacity + rate × elapsed", () => {
    const op = fc.record({
      dtMs: fc.integer({ min: -2000, max: 3000 }),
      cost: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.array(op, { maxLength: 300 }),
        (capacity, ratePerSec, t0, ops) => {
          let b = createBucket({ capacity, ratePerSec }, t0);
          let now = t0;
          let latest = t0;
          let grantedTokens = 0;
          for (const { dtMs, cost } of ops) {
            now += dtMs;
            latest = Math.max(latest, now);
            const r = take(b, now, cost);
            if (r.ok) grantedTokens += cost;
            b = r.bucket;
            expect(Number.isInteger(b.milliTokens) && b.milliTokens >= 0).toBe(true);
            expect(b.milliTokens).toBeLessThanOrEqual(capacity * 1000);
            expect(b.lastRefillMs).toBe(latest);
          }
          expect(grantedTokens * 1000).toBeLessThanOrEqual(capacity * 1000 + ratePerSec * (latest - t0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refilling is path-independent: refilling at t1 then t2 equals refilling at t2", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        (milli, d1, d2) => {
          const b = bucket(milli, 0);
          expect(refill(refill(b, d1), d1 + d2)).toEqual(refill(b, d1 + d2));
        },
      ),
    );
  });
});
