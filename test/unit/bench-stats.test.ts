import { describe, expect, it } from "vitest";
import { overRuns, peakInWindow, percentile, spread } from "../../bench/stats";

describe("bench stats", () => {
  it("takes nearest-rank percentiles", () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
  });

  it("summarizes one run", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(spread(xs)).toEqual({ n: 100, min: 1, p50: 50, p99: 99, max: 100 });
  });

  it("takes the median of runs with its range, ignoring runs with no figure", () => {
    expect(overRuns([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
    expect(overRuns([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
    expect(overRuns([Number.NaN, 5]).runs).toBe(1);
  });

  it("finds the busiest window", () => {
    expect(peakInWindow([0, 100, 999, 1000, 1500, 1999, 2500], 1000)).toBe(3);
    expect(peakInWindow([], 1000)).toBe(0);
  });
});

describe("bench chart axis", () => {
  it("rounds the axis up to 1, 2 or 5 × a power of ten", async () => {
    const { niceMax } = await import("../../bench/report/chart");
    expect([niceMax(0), niceMax(7), niceMax(13), niceMax(180), niceMax(200), niceMax(501)]).toEqual([
      1, 10, 20, 200, 200, 1000,
    ]);
  });
});
