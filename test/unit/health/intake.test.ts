import { describe, expect, it } from "vitest";
import { eventsInWindow } from "../../../durable-objects/features/health/connections";
import {
  ageOf,
  answersPerSecond,
  intakeOf,
  lagOf,
  lagPercentile,
  mergeHistograms,
  oldest,
  perSecOver,
} from "../../../durable-objects/features/health/intake";
import { confirmed } from "../../../durable-objects/features/health/settle-probe";
import { createRateWindow, recordEvents } from "../../../durable-objects/kernel/rate-window";

describe("answer intake", () => {
  it("adds up the shards' histograms by bucket, ascending, without empty buckets", () => {
    expect(
      mergeHistograms([
        [
          [0, 2],
          [7, 1],
        ],
        [
          [3, 1],
          [0, 1],
        ],
        [],
        [[9, 0]],
      ]),
    ).toEqual([
      [0, 3],
      [3, 1],
      [7, 1],
    ]);
  });

  it("takes nearest-rank percentiles as their bucket's lower bound", () => {
    const h = [
      [0, 1],
      [10, 1],
      [20, 2],
    ] as const;
    expect(lagPercentile(h, 50)).toBe(1000);
    expect(lagPercentile(h, 25)).toBe(0);
    expect(lagPercentile(h, 26)).toBe(1000);
    expect(lagPercentile(h, 99)).toBe(2000);
    expect(lagPercentile([], 50)).toBeNull();
    // 100 answers, one per bucket 0..99: p90 is the 90th, p99 the 99th.
    const flat = Array.from({ length: 100 }, (_, i) => [i, 1] as const);
    expect(lagOf(flat)).toEqual({ p50: 4900, p90: 8900, p99: 9800, max: 9900 });
    expect(lagOf([])).toBeNull();
  });

  it("counts answers per whole second after the push", () => {
    expect(
      answersPerSecond([
        [0, 2],
        [9, 1],
        [10, 1],
        [25, 3],
      ]),
    ).toEqual([3, 1, 3]);
    expect(answersPerSecond([])).toEqual([]);
  });

  it("5 answers over 2 s of an open question: 2.5 a second, peak 3, lags from the push", () => {
    const q = { question: 1, pushedAtMs: 10_000, deadlineMs: 30_000, revealedAtMs: null };
    const shards = [
      [
        [0, 2],
        [13, 1],
      ],
      [
        [5, 1],
        [19, 1],
      ],
    ] as const;
    expect(intakeOf(q, shards, 12_000, 500)).toEqual({
      question: 1,
      pushedAtMs: 10_000,
      openMs: 2000,
      open: true,
      answers: 5,
      perSec: 2.5,
      peakPerSec: 3,
      lagMs: { p50: 500, p90: 1900, p99: 1900, max: 1900 },
      perSecond: [3, 2],
    });
  });

  it("stops counting time at the reveal or at the deadline plus the grace; at least 1 s", () => {
    const h = [[[0, 10]]] as const;
    const revealed = { question: 0, pushedAtMs: 0, deadlineMs: 10_000, revealedAtMs: 4_000 };
    expect(intakeOf(revealed, h, 60_000, 500)).toMatchObject({ openMs: 4000, open: false, perSec: 2.5 });
    const closed = { ...revealed, revealedAtMs: null };
    expect(intakeOf(closed, h, 60_000, 500)).toMatchObject({ openMs: 10_500, open: false, perSec: 0.95 });
    expect(intakeOf(closed, h, 10_499, 500)).toMatchObject({ open: true });
    expect(intakeOf(closed, h, 200, 500)).toMatchObject({ openMs: 200, perSec: 10 });
    expect(intakeOf(closed, [], 3_000, 500)).toMatchObject({
      answers: 0,
      perSec: 0,
      peakPerSec: 0,
      lagMs: null,
    });
  });
});

describe("ages, rates and the settlement check", () => {
  it("ages and the oldest moment", () => {
    expect(ageOf(null, 5)).toBeNull();
    expect(ageOf(1_000, 3_500)).toBe(2_500);
    expect(ageOf(4_000, 3_500)).toBe(0);
    expect(oldest([null, 7, 3, null])).toBe(3);
    expect(oldest([null])).toBeNull();
    expect(perSecOver(3)).toBe(0.05);
    expect(perSecOver(90)).toBe(1.5);
  });

  it("counts events of the current second and the 59 before it", () => {
    let w = createRateWindow(60);
    w = recordEvents(w, 1_000);
    w = recordEvents(w, 30_500, 2);
    expect(eventsInWindow(w, 30_900)).toBe(3);
    expect(eventsInWindow(w, 60_999)).toBe(3);
    expect(eventsInWindow(w, 61_000)).toBe(2);
    expect(eventsInWindow(w, 90_999)).toBe(0);
  });

  it("keeps the unbroken run of applied events and counts the rest", () => {
    const m = (key: string, createdMs: number) => ({ key, createdMs });
    const probe = [m("a", 1), m("b", 2), m("c", 3), m("d", 4)];
    expect(confirmed(probe, new Set(["a", "b", "c", "d"]))).toEqual({
      through: m("d", 4),
      unapplied: 0,
      oldestUnappliedMs: null,
    });
    expect(confirmed(probe, new Set(["a", "c"]))).toEqual({
      through: m("a", 1),
      unapplied: 2,
      oldestUnappliedMs: 2,
    });
    expect(confirmed(probe, new Set())).toEqual({ through: null, unapplied: 4, oldestUnappliedMs: 1 });
  });
});
