import { describe, expect, it } from "vitest";
import {
  fitLine,
  imbalance,
  missingSeqs,
  reconnectDelays,
  schedstatRunNs,
  statParent,
} from "../../bench/scale";

describe("bench scale helpers", () => {
  it("reads a thread's run time from schedstat", () => {
    expect(schedstatRunNs("123456 789 10\n")).toBe(123456);
    expect(schedstatRunNs("")).toBe(0);
    expect(schedstatRunNs("x y z")).toBe(0);
  });

  it("reads the parent and name of a process, parentheses and spaces in the name included", () => {
    expect(statParent("42 (workerd) S 7 42 7 0")).toEqual({ comm: "workerd", ppid: 7 });
    expect(statParent("9 (a (b) c) R 1 9")).toEqual({ comm: "a (b) c", ppid: 1 });
    expect(statParent("garbage")).toBeNull();
  });

  it("fits the cost of one more shard", () => {
    expect(
      fitLine([
        { x: 0, y: 1 },
        { x: 2, y: 5 },
      ]),
    ).toEqual({ slope: 2, intercept: 1 });
    const noisy = fitLine([
      { x: 0, y: 10 },
      { x: 7, y: 17.5 },
      { x: 31, y: 40.5 },
      { x: 127, y: 137 },
    ]);
    expect(noisy.slope).toBeCloseTo(1, 1);
    expect(fitLine([{ x: 3, y: 1 }]).slope).toBeNaN();
    expect(
      fitLine([
        { x: 3, y: 1 },
        { x: 3, y: 2 },
      ]).slope,
    ).toBeNaN();
  });

  it("spreads reconnects uniformly over the window", () => {
    expect(reconnectDelays(2, 1000, () => 0.5)).toEqual([500, 500]);
    let i = 0;
    const steps = [0, 0.25, 0.999];
    expect(reconnectDelays(3, 4000, () => steps[i++]!)).toEqual([0, 1000, 3996]);
    expect(reconnectDelays(1, -5, () => 0.9)).toEqual([0]);
  });

  it("finds the sequence numbers a client did not get back", () => {
    expect(missingSeqs(3, 6, [4, 6, 6])).toEqual([5]);
    expect(missingSeqs(3, 3, [])).toEqual([]);
    expect(missingSeqs(0, 2, [2, 1])).toEqual([]);
  });

  it("measures how unevenly users fall on shards", () => {
    expect(imbalance([90, 110])).toBeCloseTo(1.1, 10);
    expect(imbalance([5, 5, 5])).toBe(1);
    expect(imbalance([])).toBeNaN();
    expect(imbalance([0, 0])).toBeNaN();
  });
});
