import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PPM_ALL,
  shouldResend,
  TAPS_PER_PACKET_LEFT_PER_SEC,
  throttlePpm,
} from "../../../durable-objects/features/rain/throttle";

const online = fc.integer({ min: 0, max: 2_000_000 });
const packetsLeft = fc.integer({ min: 0, max: 1_000_000 });
const target = fc.integer({ min: 1, max: 200_000 });

describe("throttlePpm", () => {
  it("computes the source design's numbers exactly", () => {
    // 1M viewers × 5 taps/s = 5M taps/s, 100k wanted: 2 %.
    expect(throttlePpm({ online: 1_000_000, packetsLeft: 50_000, targetTapsPerSec: 100_000 })).toBe(20_000);
    // Few viewers: send every tap.
    expect(throttlePpm({ online: 200, packetsLeft: 50_000, targetTapsPerSec: 100_000 })).toBe(PPM_ALL);
    expect(throttlePpm({ online: 0, packetsLeft: 1, targetTapsPerSec: 1 })).toBe(PPM_ALL);
    // 100 packets left: at most 1,000 taps/s wanted, of 5M offered.
    expect(throttlePpm({ online: 1_000_000, packetsLeft: 100, targetTapsPerSec: 100_000 })).toBe(200);
    // One packet among a million viewers still gets taps: the floor of 1 ppm.
    expect(throttlePpm({ online: 1_000_000, packetsLeft: 1, targetTapsPerSec: 1 })).toBe(1);
    expect(
      throttlePpm({ online: 1_000, packetsLeft: 10, targetTapsPerSec: 1_000, tapsPerViewerPerSec: 4 }),
    ).toBe(25_000);
  });

  it("is 0 exactly when no packets are left", () => {
    fc.assert(
      fc.property(online, packetsLeft, target, (o, p, t) => {
        const ppm = throttlePpm({ online: o, packetsLeft: p, targetTapsPerSec: t });
        expect(ppm === 0).toBe(p === 0);
      }),
    );
  });

  it("is an integer in [1, 1e6] while packets are left, and sends the wanted rate within 1 ppm", () => {
    fc.assert(
      fc.property(online, fc.integer({ min: 1, max: 1_000_000 }), target, (o, p, t) => {
        const ppm = throttlePpm({ online: o, packetsLeft: p, targetTapsPerSec: t });
        expect(Number.isInteger(ppm) && ppm >= 1 && ppm <= PPM_ALL).toBe(true);
        const wanted = Math.min(t, p * TAPS_PER_PACKET_LEFT_PER_SEC);
        const offered = o * 5;
        if (offered <= wanted) {
          expect(ppm).toBe(PPM_ALL);
        } else {
          // Expected rate ppm × offered / 1e6 never above what is wanted, unless the 1 ppm floor lifts it…
          if (ppm > 1) expect(ppm * offered).toBeLessThanOrEqual(PPM_ALL * wanted);
          // …and one more ppm would be too much: rounding loses less than 1 ppm.
          expect((ppm + 1) * offered).toBeGreaterThan(PPM_ALL * wanted);
        }
      }),
    );
  });

  it("never rises with more viewers, never falls with more packets or a higher target", () => {
    fc.assert(
      fc.property(online, online, packetsLeft, packetsLeft, target, target, (o1, o2, p1, p2, t1, t2) => {
        const [oLo, oHi] = o1 <= o2 ? [o1, o2] : [o2, o1];
        const [pLo, pHi] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const [tLo, tHi] = t1 <= t2 ? [t1, t2] : [t2, t1];
        const f = (o: number, p: number, t: number) =>
          throttlePpm({ online: o, packetsLeft: p, targetTapsPerSec: t });
        expect(f(oHi, p1, t1)).toBeLessThanOrEqual(f(oLo, p1, t1));
        expect(f(o1, pHi, t1)).toBeGreaterThanOrEqual(f(o1, pLo, t1));
        expect(f(o1, p1, tHi)).toBeGreaterThanOrEqual(f(o1, p1, tLo));
      }),
    );
  });

  it("throws a RangeError for invalid input", () => {
    const ok = { online: 10, packetsLeft: 10, targetTapsPerSec: 10 };
    for (const bad of [
      { ...ok, online: -1 },
      { ...ok, online: 1.5 },
      { ...ok, packetsLeft: -1 },
      { ...ok, packetsLeft: Number.NaN },
      { ...ok, targetTapsPerSec: 0 },
      { ...ok, targetTapsPerSec: Number.POSITIVE_INFINITY },
      { ...ok, tapsPerViewerPerSec: 0 },
    ]) {
      expect(() => throttlePpm(bad)).toThrow(RangeError);
    }
  });
});

describe("shouldResend", () => {
  it("resends on a 25 % change either way, not on less", () => {
    expect(shouldResend(20_000, 25_000)).toBe(true);
    expect(shouldResend(25_000, 20_000)).toBe(true);
    expect(shouldResend(20_000, 24_999)).toBe(false);
    expect(shouldResend(24_999, 20_000)).toBe(false);
    expect(shouldResend(4, 5)).toBe(true);
    expect(shouldResend(1, 2)).toBe(true);
  });

  it("always resends on reaching 0 or 1e6 and on leaving 0, not on a tiny step down from 1e6", () => {
    expect(shouldResend(999_999, PPM_ALL)).toBe(true);
    expect(shouldResend(1, 0)).toBe(true);
    expect(shouldResend(0, 1)).toBe(true);
    expect(shouldResend(PPM_ALL, 999_999)).toBe(false);
    expect(shouldResend(PPM_ALL, 800_000)).toBe(true);
  });

  it("never resends an unchanged value, and is symmetric away from the endpoints", () => {
    const ppm = fc.integer({ min: 0, max: PPM_ALL });
    fc.assert(
      fc.property(ppm, (p) => {
        expect(shouldResend(p, p)).toBe(false);
      }),
    );
    const interior = fc.integer({ min: 1, max: PPM_ALL - 1 });
    fc.assert(
      fc.property(interior, interior, (a, b) => {
        expect(shouldResend(a, b)).toBe(shouldResend(b, a));
        expect(shouldResend(a, b)).toBe(a !== b && 4 * Math.max(a, b) >= 5 * Math.min(a, b));
      }),
    );
  });
});
