import { describe, expect, it } from "vitest";
import { sameTransfer, type Transfer, transferProblem } from "../../../workers/ledger/transfer";
import { settlementPlan } from "../../../workers/settlement/rules";
import { closingTransfer, requestTransfer } from "../../../workers/withdrawals/rules";

const funding = { activityId: "q1", prizePoolCents: 1_000, rainTotalsCents: [500, 250] };

describe("settlementPlan", () => {
  it("pays a prize share from the pool, funded once from issuance in the same batch", () => {
    const plan = settlementPlan(
      { key: "prize:q1:al", kind: "prize", activityId: "q1", userId: "al", amountCents: 334 },
      funding,
    );
    expect(plan).toEqual({
      kind: "transfers",
      transfers: [
        {
          key: "fund:prize:q1",
          from: "issuance",
          to: "prize_pool:q1",
          amountCents: 1_000,
          kind: "fund_prize_pool",
          activityId: "q1",
          userId: null,
        },
        {
          key: "prize:q1:al",
          from: "prize_pool:q1",
          to: "user:al",
          amountCents: 334,
          kind: "prize",
          activityId: "q1",
          userId: "al",
        },
      ],
    });
  });

  it("pays a red packet from the budget, funded per rain with that rain's total", () => {
    const plan = settlementPlan(
      {
        key: "rain:q1:1:4",
        kind: "red_packet",
        activityId: "q1",
        userId: "al",
        rain: 1,
        packetIndex: 4,
        amountCents: 7,
      },
      funding,
    );
    expect(
      plan.kind === "transfers" && plan.transfers.map((t) => [t.key, t.from, t.to, t.amountCents]),
    ).toEqual([
      ["fund:rain:q1:1", "issuance", "rain_budget:q1", 250],
      ["rain:q1:1:4", "rain_budget:q1", "user:al", 7],
    ]);
  });

  it("refuses a packet of a rain the activity does not have, and moves no money for a revival card", () => {
    expect(
      settlementPlan(
        {
          key: "rain:q1:2:0",
          kind: "red_packet",
          activityId: "q1",
          userId: "al",
          rain: 2,
          packetIndex: 0,
          amountCents: 1,
        },
        funding,
      ),
    ).toMatchObject({ kind: "rejected", code: "UNKNOWN_RAIN" });
    expect(
      settlementPlan(
        { key: "revival:q1:al", kind: "revival_card", activityId: "q1", userId: "al", question: 0, count: 1 },
        funding,
      ).kind,
    ).toBe("revival");
    expect(
      settlementPlan(
        { key: "revival-release:q1:al", kind: "revival_release", activityId: "q1", userId: "al", count: 1 },
        funding,
      ),
    ).toEqual({
      kind: "release",
      event: {
        key: "revival-release:q1:al",
        kind: "revival_release",
        activityId: "q1",
        userId: "al",
        count: 1,
      },
    });
  });
});

describe("transfers", () => {
  const t: Transfer = {
    key: "k",
    from: "a",
    to: "b",
    amountCents: 5,
    kind: "prize",
    activityId: null,
    userId: null,
  };

  it("checks key, amount and accounts", () => {
    expect(transferProblem(t)).toBeNull();
    expect(transferProblem({ ...t, key: "" })).toBe("BAD_KEY");
    expect(transferProblem({ ...t, key: "k".repeat(201) })).toBe("BAD_KEY");
    for (const amountCents of [0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(transferProblem({ ...t, amountCents })).toBe("BAD_AMOUNT");
    }
    expect(transferProblem({ ...t, to: "a" })).toBe("SAME_ACCOUNT");
  });

  it("tells a duplicate from a conflict by every field", () => {
    expect(sameTransfer(t, { ...t })).toBe(true);
    expect(sameTransfer(t, { ...t, amountCents: 6 })).toBe(false);
    expect(sameTransfer(t, { ...t, to: "c" })).toBe(false);
    expect(sameTransfer(t, { ...t, userId: "x" })).toBe(false);
  });

  it("moves a withdrawal user → in transit, then out to payouts or back to the user", () => {
    const w = { id: "w1", userId: "al", amountCents: 250 };
    expect(requestTransfer(w)).toMatchObject({
      key: "withdrawal:w1",
      from: "user:al",
      to: "withdrawals_in_transit",
    });
    expect(closingTransfer(w, "paid")).toMatchObject({
      key: "withdrawal:w1:paid",
      from: "withdrawals_in_transit",
      to: "payouts",
      amountCents: 250,
    });
    expect(closingTransfer(w, "failed")).toMatchObject({
      key: "withdrawal:w1:failed",
      from: "withdrawals_in_transit",
      to: "user:al",
      kind: "withdrawal_returned",
    });
  });
});
