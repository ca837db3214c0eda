import { describe, expect, it } from "vitest";
import type { Transfer } from "../../../workers/ledger/transfer";
import { type BatchStep, planBatch, transferOutcome } from "../../../workers/settlement/batch";
import type { PrizeEvent, RedPacketEvent, SettlementEvent } from "../../../schema/settlement";

const funding = new Map([["q1", { activityId: "q1", prizePoolCents: 1_000, rainTotalsCents: [500] }]]);
const prize = (userId: string, amountCents: number): PrizeEvent => ({
  key: `prize:q1:${userId}`,
  kind: "prize",
  activityId: "q1",
  userId,
  amountCents,
});
const packet = (i: number, userId: string, amountCents: number, rain = 0): RedPacketEvent => ({
  key: `rain:q1:${rain}:${i}`,
  kind: "red_packet",
  activityId: "q1",
  userId,
  rain,
  packetIndex: i,
  amountCents,
});
const fundPool: Transfer = {
  key: "fund:prize:q1",
  from: "issuance",
  to: "prize_pool:q1",
  amountCents: 1_000,
  kind: "fund_prize_pool",
  activityId: "q1",
  userId: null,
};
const fundRain: Transfer = {
  ...fundPool,
  key: "fund:rain:q1:0",
  to: "rain_budget:q1",
  amountCents: 500,
  kind: "fund_rain_budget",
};
const paid = (
  e: SettlementEvent & { amountCents: number },
  from: string,
  kind: "prize" | "red_packet",
): Transfer => ({
  key: e.key,
  from,
  to: `user:${e.userId}`,
  amountCents: e.amountCents,
  kind,
  activityId: "q1",
  userId: e.userId,
});

describe("planBatch", () => {
  it("inserts each key once, every funding before every payment, payments in event order", () => {
    const al = prize("al", 600);
    const p0 = packet(0, "bo", 7);
    const plan = planBatch([p0, al, p0, { ...al, amountCents: 999 }, packet(1, "al", 3)], funding);
    expect(plan.transfers).toEqual([
      fundRain,
      fundPool,
      paid(p0, "rain_budget:q1", "red_packet"),
      paid(al, "prize_pool:q1", "prize"),
      paid(packet(1, "al", 3), "rain_budget:q1", "red_packet"),
    ]);
    expect(plan.steps.map((s) => (s.kind === "transfers" ? s.first : s.kind))).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
  });

  it("rejects an unknown activity or rain as alone, and leaves revival cards to their own statements", () => {
    const revival: SettlementEvent = {
      key: "revival:q1:al",
      kind: "revival_card",
      activityId: "q1",
      userId: "al",
      question: 0,
      count: 1,
    };
    const plan = planBatch(
      [{ ...prize("al", 1), key: "prize:q9:al", activityId: "q9" }, packet(0, "al", 1, 4), revival],
      funding,
    );
    expect(plan.steps).toEqual([
      {
        kind: "rejected",
        rejection: { code: "UNKNOWN_ACTIVITY", key: "prize:q9:al", detail: { activityId: "q9" } },
      },
      {
        kind: "rejected",
        rejection: {
          code: "UNKNOWN_RAIN",
          key: "rain:q1:4:0",
          detail: { message: "activity has no rain 4" },
        },
      },
      { kind: "revival", event: revival },
    ]);
    expect(plan.transfers).toEqual([]);
  });
});

describe("transferOutcome", () => {
  const al = prize("al", 600);
  const own = paid(al, "prize_pool:q1", "prize");
  const step = (first: boolean): Extract<BatchStep, { kind: "transfers" }> => ({
    kind: "transfers",
    transfers: [fundPool, own],
    first,
  });
  const stored = (...ts: Transfer[]) => new Map(ts.map((t) => [t.key, t]));

  it("is posted for the first event of its key when the INSERT inserted it, a duplicate otherwise", () => {
    const inserted = new Set([fundPool.key, own.key]);
    expect(transferOutcome(al, step(true), inserted, stored(fundPool, own))).toEqual({
      status: "posted",
      key: own.key,
      issues: [],
    });
    expect(transferOutcome(al, step(false), inserted, stored(fundPool, own))).toEqual({
      status: "duplicate",
      key: own.key,
      issues: [],
    });
    expect(transferOutcome(al, step(true), new Set(), stored(fundPool, own))).toEqual({
      status: "duplicate",
      key: own.key,
      issues: [],
    });
  });

  it("is a conflict when the ledger holds its key with other contents, and reports a pool funded otherwise", () => {
    const other = { ...own, amountCents: 601 };
    expect(transferOutcome(al, step(true), new Set(), stored(fundPool, other))).toEqual({
      status: "rejected",
      code: "KEY_CONFLICT",
      key: own.key,
      detail: { existing: other, incoming: own },
    });
    const pool = { ...fundPool, amountCents: 2_000 };
    expect(transferOutcome(al, step(true), new Set([own.key]), stored(pool, own))).toEqual({
      status: "posted",
      key: own.key,
      issues: [
        { code: "FUNDING_CONFLICT", key: fundPool.key, detail: { existing: pool, incoming: fundPool } },
      ],
    });
  });

  it("throws when a key is not in the ledger after its batch (the consumer then goes one by one)", () => {
    expect(() => transferOutcome(al, step(true), new Set(), stored(fundPool))).toThrow(
      `transfer ${own.key} is not in the ledger after its batch`,
    );
  });
});
