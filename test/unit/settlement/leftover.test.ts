import { describe, expect, it } from "vitest";
import { type Difference, leftoverState } from "../../../workers/settlement/reconcile";
import { leftoverReturns } from "../../../workers/settlement/rules";

describe("leftoverReturns", () => {
  it("gives each account's leftover back to issuance under one key per activity, positive amounts only", () => {
    expect(leftoverReturns("q1", { prizePoolCents: 7, rainBudgetCents: 13 })).toEqual([
      {
        key: "return:prize:q1",
        from: "prize_pool:q1",
        to: "issuance",
        amountCents: 7,
        kind: "return_prize_pool",
        activityId: "q1",
        userId: null,
      },
      {
        key: "return:rain:q1",
        from: "rain_budget:q1",
        to: "issuance",
        amountCents: 13,
        kind: "return_rain_budget",
        activityId: "q1",
        userId: null,
      },
    ]);
    expect(leftoverReturns("q1", { prizePoolCents: 0, rainBudgetCents: 0 })).toEqual([]);
  });
});

describe("leftoverState", () => {
  const left = { prizePoolCents: 0, rainBudgetCents: 13 };
  const missing: Difference = {
    type: "missing_in_ledger",
    key: "rain:q1:0:4",
    kind: "red_packet",
    userId: "al",
    amountCents: 2,
    count: 0,
    roomSentAtMs: null,
  };
  const uncovered: Difference = { type: "revival_uncovered", key: "revival:q1:al", userId: "al", count: 1 };

  it("is open until the activity ended, waiting while a payment differs, then due or returned", () => {
    expect(leftoverState({ ended: false, differences: [], left })).toBe("open");
    expect(leftoverState({ ended: true, differences: [missing], left })).toBe("waiting");
    expect(leftoverState({ ended: true, differences: [], left })).toBe("due");
    expect(
      leftoverState({ ended: true, differences: [], left: { prizePoolCents: 0, rainBudgetCents: 0 } }),
    ).toBe("returned");
  });

  it("is not held back by a difference that moves no money (revival cards)", () => {
    expect(leftoverState({ ended: true, differences: [uncovered], left })).toBe("due");
    expect(leftoverState({ ended: true, differences: [{ ...missing, kind: "revival_card" }], left })).toBe(
      "due",
    );
  });
});
