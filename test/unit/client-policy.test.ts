import { describe, expect, it } from "vitest";
import {
  atGrabCap,
  backoffDelay,
  DEFAULT_BACKOFF,
  roomWentAway,
  SeqTracker,
  shouldSendTap,
  spreadDelay,
} from "../../client/index.js";

describe("SeqTracker", () => {
  it("holds everything until a baseline, then drops what the baseline covers", () => {
    const t = new SeqTracker<string>();
    expect(t.last).toBe(undefined);
    expect(t.offer(6, "f")).toEqual([]);
    expect(t.offer(4, "d")).toEqual([]);
    expect(t.hasHole).toBe(true);
    expect(t.reset(4)).toEqual([]);
    expect(t.hasHole).toBe(true);
    expect(t.offer(5, "e")).toEqual(["e", "f"]);
    expect(t.last).toBe(6);
    expect(t.hasHole).toBe(false);
  });

  it("delivers each number exactly once, in order, from duplicated and shuffled input", () => {
    const t = new SeqTracker<number>(0);
    const input = [1, 3, 2, 2, 1, 5, 4, 5, 7, 6, 3, 8];
    const out = input.flatMap((s) => t.offer(s, s));
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(t.last).toBe(8);
  });

  it("jumps forward on reset, releasing what is held beyond", () => {
    const t = new SeqTracker<number>(2);
    expect(t.offer(9, 9)).toEqual([]);
    expect(t.offer(11, 11)).toEqual([]);
    expect(t.reset(8)).toEqual([9]);
    expect(t.last).toBe(9);
    expect(t.hasHole).toBe(true);
  });

  it("drops what it held when the baseline moves back", () => {
    const t = new SeqTracker<number>(10);
    t.offer(12, 12);
    expect(t.reset(3)).toEqual([]);
    expect(t.hasHole).toBe(false);
    expect(t.offer(4, 4)).toEqual([4]);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially to the cap, jitter taking up to half off", () => {
    const top = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, DEFAULT_BACKOFF, top))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(3000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.999999)).toBe(2000);
    expect(backoffDelay(2, { ...DEFAULT_BACKOFF, jitter: 1 }, () => 0.75)).toBe(500);
    expect(backoffDelay(2, { ...DEFAULT_BACKOFF, jitter: 0 }, () => 0.75)).toBe(2000);
  });
});

describe("the reconnect spread", () => {
  it("draws uniformly in [0, window): the Welcome's, else the default, capped at 60 s", () => {
    expect(spreadDelay(10_000, 5_000, () => 0)).toEqual({ delayMs: 0, windowMs: 10_000 });
    expect(spreadDelay(10_000, 5_000, () => 0.25)).toEqual({ delayMs: 2_500, windowMs: 10_000 });
    expect(spreadDelay(10_000, 5_000, () => 0.9999999)).toEqual({ delayMs: 9_999, windowMs: 10_000 });
    // A random source that breaks its contract still lands inside the window.
    expect(spreadDelay(10_000, 5_000, () => 1)).toEqual({ delayMs: 9_999, windowMs: 10_000 });
    expect(spreadDelay(0, 5_000, () => 0.5)).toEqual({ delayMs: 2_500, windowMs: 5_000 });
    expect(spreadDelay(120_000, 5_000, () => 0.5)).toEqual({ delayMs: 30_000, windowMs: 60_000 });
    expect(spreadDelay(0, 0, () => 0.5)).toBe(undefined);
  });

  it("counts every drop but the room's own 4000–4999 closes as the room going away", () => {
    expect(
      [0, 1000, 1001, 1006, 1011, 1012, 1013, 3000, 4000, 4001, 4008, 4009, 4999, 5000].map(roomWentAway),
    ).toEqual([true, true, true, true, true, true, true, true, false, false, false, false, false, true]);
  });
});

describe("shouldSendTap", () => {
  it("sends when random × 1e6 is below the factor", () => {
    expect(shouldSendTap(250_000, () => 0.2499999)).toBe(true);
    expect(shouldSendTap(250_000, () => 0.25)).toBe(false);
    expect(shouldSendTap(1_000_000, () => 0.9999999)).toBe(true);
    expect(shouldSendTap(0, () => 0)).toBe(false);
  });
});

describe("atGrabCap", () => {
  it("is at the cap from grabbed = cap on; a cap of 0 (unset) never is", () => {
    expect(atGrabCap(2, 3)).toBe(false);
    expect(atGrabCap(3, 3)).toBe(true);
    expect(atGrabCap(4, 3)).toBe(true);
    expect(atGrabCap(0, 0)).toBe(false);
    expect(atGrabCap(7, 0)).toBe(false);
  });
});
