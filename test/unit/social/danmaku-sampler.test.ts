import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../../durable-objects/features/rain/prng";
import {
  cryptoRng,
  emptyReservoir,
  offer,
  type Reservoir,
} from "../../../durable-objects/features/danmaku/sampler";

function fill(n: number, k: number, seed: string): Reservoir<number> {
  const rng = seededRng(seed);
  let r = emptyReservoir<number>();
  for (let i = 0; i < n; i++) r = offer(r, i, k, rng).reservoir;
  return r;
}

describe("reservoir sampling", () => {
  it("keeps the first k as they come", () => {
    const rng = seededRng("s");
    let r = emptyReservoir<string>();
    const slots: (number | null)[] = [];
    for (const x of ["a", "b", "c"]) {
      const o = offer(r, x, 4, rng);
      slots.push(o.slot);
      expect(o.evicted).toBeNull();
      r = o.reservoir;
    }
    expect(slots).toEqual([0, 1, 2]);
    expect(r).toEqual({ seen: 3, slots: ["a", "b", "c"] });
  });

  it("past k, each offer drops exactly one item: the new one, or the one it evicts", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 60 }),
        fc.string(),
        (k, n, seed) => {
          const rng = seededRng(seed);
          let r = emptyReservoir<number>();
          let dropped = 0;
          for (let i = 0; i < n; i++) {
            const o = offer(r, i, k, rng);
            if (r.slots.length === k) {
              expect(o.slot === null || o.evicted !== null).toBe(true);
              dropped++;
            }
            r = o.reservoir;
          }
          expect(r.seen).toBe(n);
          expect(r.slots.length).toBe(Math.min(n, k));
          expect(dropped).toBe(n - r.slots.length);
          expect(new Set(r.slots).size).toBe(r.slots.length);
          for (const x of r.slots) expect(x).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it("is fair: over 20,000 ticks of 10 arrivals and 4 slots, every position is kept 40% ± 1.5%", () => {
    const rng = seededRng("fairness");
    const kept = new Array<number>(10).fill(0);
    const trials = 20_000;
    for (let t = 0; t < trials; t++) {
      let r = emptyReservoir<number>();
      for (let i = 0; i < 10; i++) r = offer(r, i, 4, rng).reservoir;
      for (const x of r.slots) kept[x]! += 1;
    }
    for (const count of kept) expect(Math.abs(count / trials - 0.4)).toBeLessThan(0.015);
    expect(kept.reduce((a, b) => a + b, 0)).toBe(trials * 4);
  });

  it("is reproducible from its seed", () => {
    expect(fill(50, 4, "x")).toEqual(fill(50, 4, "x"));
    expect(fill(50, 4, "x").slots).toEqual([0, 46, 19, 39]);
  });

  it("draws uint32s from the crypto RNG", () => {
    const rng = cryptoRng(4);
    const xs = Array.from({ length: 10 }, () => rng());
    for (const x of xs) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(1);
  });
});
