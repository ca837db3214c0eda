import { describe, expect, it } from "vitest";
import type { Transfer } from "../../../workers/ledger/transfer";
import { type BatchStep, planBatch, transferOutcome } from "../../../workers/settlement/batch";
import type { PrizeEvent, RedPacketEvent, RevivalCardEvent } from "../../../schema/settlement";

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
const paid = (e: PrizeEvent | RedPacketEvent): Transfer => ({
  key: e.key,
  from: e.kind === "prize" ? "prize_pool:q1" : "rain_budget:q1",
  to: `user:${e.userId}`,
  amountCents: e.amountCents,
  kind: e.kind,
  activityId: "q1",
  userId: e.userId,
});

describe("planBatch", () => {
  it("inserts each key once, every funding before every payment, payments in event order", () => {
    const al = prize("al", 600);
    const p0 = packet(0, "bo", 7);
    const p1 = packet(1, "al", 3);
    const plan = planBatch([p0, al, p0, { ...al, amountCents: 999 }, p1]);
    // Funding amounts are D1's, filled in by the INSERT (0 in the row is never posted).
    expect(plan.rows).toEqual([
      { transfer: { ...fundRain, amountCents: 0 }, amountFrom: "rain", rain: 0 },
      { transfer: { ...fundPool, amountCents: 0 }, amountFrom: "pool", rain: null },
      { transfer: paid(p0), amountFrom: "event", rain: 0 },
      { transfer: paid(al), amountFrom: "event", rain: null },
      { transfer: paid(p1), amountFrom: "event", rain: 0 },
    ]);
    expect(plan.steps.map((s) => (s.kind === "transfers" ? s.first : s.kind))).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
    expect(plan.activityIds).toEqual(["q1"]);
  });

  it("leaves revival cards to their own statements, and names every activity", () => {
    const revival: RevivalCardEvent = {
      key: "revival:q9:al",
      kind: "revival_card",
      activityId: "q9",
      userId: "al",
      question: 0,
      count: 1,
    };
    const plan = planBatch([revival, prize("al", 1)]);
    expect(plan.steps[0]).toEqual({ kind: "revival", event: revival });
    expect(plan.activityIds).toEqual(["q9", "q1"]);
  });
});

describe("transferOutcome", () => {
  const al = prize("al", 600);
  const own = paid(al);
  const step = (
    first: boolean,
    event: PrizeEvent | RedPacketEvent = al,
  ): Extract<BatchStep, { kind: "transfers" }> => ({
    kind: "transfers",
    event,
    first,
  });
  const stored = (...ts: Transfer[]) => new Map(ts.map((t) => [t.key, t]));

  it("is posted for the first event of its key when the INSERT inserted it, a duplicate otherwise", () => {
    const inserted = new Set([fundPool.key, own.key]);
    expect(transferOutcome(step(true), funding, inserted, stored(fundPool, own))).toEqual({
      status: "posted",
      key: own.key,
      issues: [],
    });
    expect(transferOutcome(step(false), funding, inserted, stored(fundPool, own))).toEqual({
      status: "duplicate",
      key: own.key,
      issues: [],
    });
    expect(transferOutcome(step(true), funding, new Set(), stored(fundPool, own))).toEqual({
      status: "duplicate",
      key: own.key,
      issues: [],
    });
  });

  it("is a conflict when the ledger holds its key with other contents, and reports a pool funded otherwise", () => {
    const other = { ...own, amountCents: 601 };
    expect(transferOutcome(step(true), funding, new Set(), stored(fundPool, other))).toEqual({
      status: "rejected",
      code: "KEY_CONFLICT",
      key: own.key,
      detail: { existing: other, incoming: own },
    });
    const pool = { ...fundPool, amountCents: 2_000 };
    expect(transferOutcome(step(true), funding, new Set([own.key]), stored(pool, own))).toEqual({
      status: "posted",
      key: own.key,
      issues: [
        { code: "FUNDING_CONFLICT", key: fundPool.key, detail: { existing: pool, incoming: fundPool } },
      ],
    });
  });

  it("refuses an unknown activity or rain as alone (the INSERT skipped its rows)", () => {
    expect(transferOutcome(step(true), new Map(), new Set(), stored())).toEqual({
      status: "rejected",
      code: "UNKNOWN_ACTIVITY",
      key: own.key,
      detail: { activityId: "q1" },
    });
    const p = packet(0, "al", 1, 4);
    expect(transferOutcome(step(true, p), funding, new Set(), stored())).toEqual({
      status: "rejected",
      code: "UNKNOWN_RAIN",
      key: p.key,
      detail: { message: "activity has no rain 4" },
    });
    expect(
      transferOutcome(
        step(true, packet(0, "al", 1)),
        funding,
        new Set(),
        stored(fundRain, paid(packet(0, "al", 1))),
      ),
    ).toEqual({
      status: "duplicate",
      key: "rain:q1:0:0",
      issues: [],
    });
  });

  it("throws when a key is not in the ledger after its batch (the consumer then goes one by one)", () => {
    expect(() => transferOutcome(step(true), funding, new Set(), stored(fundPool))).toThrow(
      `transfer ${own.key} is not in the ledger after its batch`,
    );
  });
});
