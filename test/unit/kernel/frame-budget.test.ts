import { describe, expect, it } from "vitest";
import {
  DEFAULT_FRAME_BUDGET,
  type FrameBudgetConfig,
  judgeFrame,
  type SocketBudget,
} from "../../../durable-objects/kernel/frame-budget";

const cfg: FrameBudgetConfig = { capacity: 3, perSec: 2, anonCapacity: 1, anonPerSec: 1, strikes: 4 };

/** Sends `n` frames at `nowMs`, returning the verdicts and the budget after them. */
function send(n: number, authed: boolean, nowMs: number, start?: SocketBudget) {
  let budget = start;
  const verdicts: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = judgeFrame(budget, authed, nowMs, cfg);
    budget = r.budget;
    verdicts.push(r.verdict);
  }
  return { verdicts, budget: budget! };
}

describe("judgeFrame", () => {
  it("lets a burst of `capacity` through, refuses the next once, drops the rest, closes at `strikes`", () => {
    expect(send(8, true, 0).verdicts).toEqual(["ok", "ok", "ok", "refuse", "drop", "drop", "close", "close"]);
  });

  it("refills at perSec: 500 ms later one more frame passes, but the streak goes on until the bucket was full", () => {
    const first = send(4, true, 0);
    expect(first.verdicts).toEqual(["ok", "ok", "ok", "refuse"]);
    const later = send(3, true, 500, first.budget);
    expect(later.verdicts).toEqual(["ok", "drop", "drop"]);
  });

  it("a socket quiet long enough to refill its whole bucket starts a new streak (refused once again)", () => {
    const first = send(4, true, 0);
    // 3 tokens at 2 per second: full again 1,500 ms later.
    expect(send(4, true, 1_500, first.budget).verdicts).toEqual(["ok", "ok", "ok", "refuse"]);
  });

  it("a flood paced just slower than the refill never escapes: every token it wins adds no pardon", () => {
    let budget: SocketBudget | undefined;
    const verdicts: string[] = [];
    // 4 frames every 500 ms against 2 per second: one passes per 500 ms, the rest count as strikes.
    for (let t = 0; t <= 2_000; t += 500) {
      const r = send(4, true, t, budget);
      budget = r.budget;
      verdicts.push(...r.verdicts);
    }
    // 0 ms: ok ok ok refuse; 500 ms: ok (a token), then strikes 2, 3 and 4: closed at the 8th frame.
    expect(verdicts.indexOf("close")).toBe(7);
  });

  it("gives a tokenless socket one frame, and the full budget once it authenticated", () => {
    const anon = send(2, false, 0);
    expect(anon.verdicts).toEqual(["ok", "refuse"]);
    expect(send(4, true, 0, anon.budget).verdicts).toEqual(["ok", "ok", "ok", "refuse"]);
  });

  it("closes a flood of 20,000 frames within the default budget's first 40 + 40", () => {
    let budget: SocketBudget | undefined;
    let closedAt = -1;
    for (let i = 0; i < 20_000 && closedAt < 0; i++) {
      const r = judgeFrame(budget, false, 0, DEFAULT_FRAME_BUDGET);
      budget = r.budget;
      if (r.verdict === "close") closedAt = i;
    }
    expect(closedAt).toBe(DEFAULT_FRAME_BUDGET.anonCapacity + DEFAULT_FRAME_BUDGET.strikes - 1);
  });
});
