import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ActivityConfig } from "../../schema/activity";
import { splitPrize } from "../../durable-objects/features/quiz/prize";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { prizePoolAccount, rainBudgetAccount, userAccount } from "../../workers/ledger/accounts";
import { SETTLEMENT_DLQ } from "../../workers/settlement/consumer";
import { takeRevivalEscrows } from "../../schema/queries/revival";
import type { SettlementEvent } from "../../schema/settlement";
import { questions, rainOf } from "./support/game";
import { balance, deliver, driftedAccounts, keyCounts, runQueue, sumOfBalances } from "./support/ledger";
import { createActivity, createUser, uniqueId } from "./support/raw-client";

/** One rain of 12 packets, 78 cents in all. */
const RAIN = rainOf(78, 12, "consumer");

/**
 * What a room with 7 winners and one rain of 12 packets writes: 100,001 cents split 14,286 × 2 and
 * 14,285 × 5; packet i of RAIN (78 cents in all) to player i mod 7; one revival card, used by the
 * player holding 2 (the room took one into escrow when they joined: 1 left in the balance).
 */
async function roomEvents(): Promise<{
  activity: ActivityConfig;
  users: string[];
  events: SettlementEvent[];
}> {
  const packets = rainPackets(RAIN);
  const activity = await createActivity({
    questions: questions(1),
    prizePoolCents: 100_001,
    rains: [RAIN],
  });
  const p = uniqueId("c");
  const users = Array.from({ length: 7 }, (_, i) => `${p}-u${i}`);
  await createUser(users[3]!, 2);
  const a = activity.id;
  expect(await takeRevivalEscrows(env.DB, a, [users[3]!], Date.now())).toEqual(new Map([[users[3]!, 1]]));
  const events: SettlementEvent[] = [
    ...splitPrize(activity.prizePoolCents, users).shares.map(
      (s): SettlementEvent => ({
        key: `prize:${a}:${s.userId}`,
        kind: "prize",
        activityId: a,
        userId: s.userId,
        amountCents: s.cents,
      }),
    ),
    ...packets.map(
      (cents, i): SettlementEvent => ({
        key: `rain:${a}:0:${i}`,
        kind: "red_packet",
        activityId: a,
        userId: users[i % 7]!,
        rain: 0,
        packetIndex: i,
        amountCents: cents,
      }),
    ),
    {
      key: `revival:${a}:${users[3]}`,
      kind: "revival_card",
      activityId: a,
      userId: users[3]!,
      question: 0,
      count: 1,
    },
  ];
  return { activity, users, events };
}

/** Each user's expected cents: their prize share plus the packets dealt to them. */
function expected(events: readonly SettlementEvent[]): Map<string, number> {
  const won = new Map<string, number>();
  for (const e of events)
    if (e.kind === "prize" || e.kind === "red_packet")
      won.set(e.userId, (won.get(e.userId) ?? 0) + e.amountCents);
  return won;
}

async function balances(users: readonly string[]): Promise<number[]> {
  return Promise.all(users.map((u) => balance(userAccount(u))));
}

async function cards(userId: string): Promise<number | undefined> {
  const row = await env.DB.prepare("SELECT revival_cards AS n FROM users WHERE id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n;
}

describe("the settlement consumer", () => {
  it("gives the same balances when every message is delivered twice as when delivered once", async () => {
    const once = await roomEvents();
    const twice = await roomEvents();
    const r1 = await deliver(once.events);
    expect(r1.explicitAcks).toHaveLength(once.events.length);
    // Twice: both copies in one batch, then the whole batch again.
    await deliver(twice.events.flatMap((e) => [e, e]));
    await deliver(twice.events);

    const single = await balances(once.users);
    expect(await balances(twice.users)).toEqual(single);
    expect(single).toEqual(once.users.map((u) => expected(once.events).get(u)));
    // 14,286 + packets 0 and 7 for the first winner, and so on: the pool and the rain exactly.
    expect(single.reduce((x, y) => x + y, 0)).toBe(100_001 + 78);
    const packets = rainPackets(RAIN);
    expect(single[0]).toBe(14_286 + packets[0]! + packets[7]!);
    for (const run of [once, twice]) {
      expect(await balance(prizePoolAccount(run.activity.id))).toBe(0);
      expect(await balance(rainBudgetAccount(run.activity.id))).toBe(0);
      expect(await cards(run.users[3]!)).toBe(1);
      // Recorded once, against the escrow that held the card.
      const uses = await env.DB.prepare("SELECT covered FROM revival_card_uses WHERE activity_id = ?")
        .bind(run.activity.id)
        .all<{ covered: number }>();
      expect(uses.results).toEqual([{ covered: 1 }]);
      const counts = await keyCounts(run.events.filter((e) => e.kind !== "revival_card").map((e) => e.key));
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });

  it("ends exact after retries when a third of the batches fail, before or after D1 commits", async () => {
    const run = await roomEvents();
    // Batches 1, 4, 7, ... fail: every D1 write in them fails, alternately before and after committing.
    const q = await runQueue(run.events, { batchSize: 4, failBatch: (n) => n % 3 === 1 });
    expect(q.failedBatches).toBeGreaterThanOrEqual(2);
    expect(q.retries).toBeGreaterThanOrEqual(8);
    expect(await balances(run.users)).toEqual(run.users.map((u) => expected(run.events).get(u)));
    expect(await cards(run.users[3]!)).toBe(1);
    const counts = await keyCounts(run.events.filter((e) => e.kind !== "revival_card").map((e) => e.key));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await sumOfBalances()).toBe(0);
  });

  it("acks poison messages after recording them, without blocking the rest", async () => {
    const run = await roomEvents();
    const [first, second] = run.events as [SettlementEvent, SettlementEvent];
    const poison = ["{not json", { ...first, amountCents: 1.5, key: `${first.key}` }, { kind: "gift" }, 7];
    const result = await deliver([first, ...poison, second]);
    expect(result.explicitAcks).toEqual(result.ids);
    expect(result.retryMessages).toEqual([]);
    expect(await balance(userAccount(run.users[0]!))).toBe(14_286);
    expect(await balance(userAccount(run.users[1]!))).toBe(14_286);
    const { results } = await env.DB.prepare(
      "SELECT code, seen_count FROM settlement_issues WHERE body IN (?, ?, ?, ?) ORDER BY id",
    )
      .bind("{not json", JSON.stringify(poison[1]), JSON.stringify(poison[2]), "7")
      .all<{ code: string; seen_count: number }>();
    expect(results.map((r) => r.code)).toEqual([
      "INVALID_EVENT",
      "INVALID_EVENT",
      "INVALID_EVENT",
      "INVALID_EVENT",
    ]);
    // Seen again: counted, not duplicated.
    await deliver(["{not json"]);
    const again = await env.DB.prepare("SELECT seen_count FROM settlement_issues WHERE body = ?")
      .bind("{not json")
      .first<{ seen_count: number }>();
    expect(again?.seen_count).toBeGreaterThanOrEqual(2);
  });

  it("records a key reused with other contents as a conflict and moves nothing", async () => {
    const run = await roomEvents();
    const prize = run.events[0] as Extract<SettlementEvent, { kind: "prize" }>;
    await deliver([prize]);
    const forged = { ...prize, amountCents: 99_999 };
    const result = await deliver([forged]);
    expect(result.explicitAcks).toEqual(result.ids);
    expect(await balance(userAccount(prize.userId))).toBe(14_286);
    const issue = await env.DB.prepare(
      "SELECT code, key, activity_id, detail FROM settlement_issues WHERE key = ?",
    )
      .bind(prize.key)
      .first<{ code: string; key: string; activity_id: string; detail: string }>();
    expect(issue).toMatchObject({ code: "KEY_CONFLICT", key: prize.key, activity_id: run.activity.id });
    expect(JSON.parse(issue!.detail)).toMatchObject({
      existing: { amountCents: 14_286 },
      incoming: { amountCents: 99_999 },
    });
  });

  it("records events of unknown activities and rains, and dead letters, and acks them", async () => {
    const ghost = uniqueId("ghost");
    const unknown = {
      key: `prize:${ghost}:u`,
      kind: "prize",
      activityId: ghost,
      userId: "u",
      amountCents: 5,
    };
    const run = await roomEvents();
    const noRain = {
      key: `rain:${run.activity.id}:3:0`,
      kind: "red_packet",
      activityId: run.activity.id,
      userId: "u",
      rain: 3,
      packetIndex: 0,
      amountCents: 1,
    };
    const result = await deliver([unknown, noRain]);
    expect(result.explicitAcks).toEqual(result.ids);
    const dead = await deliver([run.events[0]], { queue: SETTLEMENT_DLQ, attempts: 11 });
    expect(dead.ackAll).toBe(true);
    const { results } = await env.DB.prepare(
      "SELECT code FROM settlement_issues WHERE key IN (?, ?, ?) ORDER BY code",
    )
      .bind(unknown.key, noRain.key, run.events[0]!.key)
      .all<{ code: string }>();
    expect(results.map((r) => r.code)).toEqual(["DEAD_LETTER", "UNKNOWN_ACTIVITY", "UNKNOWN_RAIN"]);
    // A dead letter is not applied by its consumer: reconciliation re-sends it from the room.
    expect(await balance(userAccount(run.users[0]!))).toBe(0);
  });
});
