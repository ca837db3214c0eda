// The batched consumer (issue 15): one D1 batch of writes per Queue batch, still exactly once, still
// refusing conflicts, and a failing batch settled again one message at a time. Real D1 and the real
// handler; D1 wrapped only to count its calls or to make some of them fail.
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  type QueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { splitPrize } from "../../durable-objects/features/quiz/prize";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import type { ActivityConfig } from "../../schema/activity";
import { takeRevivalEscrows } from "../../schema/queries/revival";
import {
  prizeEvent,
  type RedPacketEvent,
  redPacketEvent,
  revivalCardEvent,
  type SettlementEvent,
} from "../../schema/settlement";
import { prizePoolAccount, rainBudgetAccount, userAccount } from "../../workers/ledger/accounts";
import { postTransfers } from "../../workers/ledger/post";
import { type BatchReport, handleSettlementBatch, SETTLEMENT_QUEUE } from "../../workers/settlement/consumer";
import { questions, rainOf } from "./support/game";
import {
  balance,
  driftedAccounts,
  type Fault,
  flakyDb,
  keyCounts,
  runQueue,
  sumOfBalances,
} from "./support/ledger";
import { createActivity, createUser, uniqueId } from "./support/raw-client";

/** 90 packets, 900 cents in all. */
const RAIN = rainOf(900, 90, "batched");

interface Room {
  activity: ActivityConfig;
  users: string[];
  prizes: SettlementEvent[];
  packets: RedPacketEvent[];
  revival: SettlementEvent;
}

/**
 * A finished game's events: 5 winners split 1,000 cents (200 each), packet i of RAIN to winner
 * i mod 5, and one revival card used by winner 2 (escrowed when they joined). 96 events.
 */
async function room(): Promise<Room> {
  const activity = await createActivity({ questions: questions(1), prizePoolCents: 1_000, rains: [RAIN] });
  const a = activity.id;
  const p = uniqueId("b");
  const users = Array.from({ length: 5 }, (_, i) => `${p}-u${i}`);
  await createUser(users[2]!, 1);
  expect(await takeRevivalEscrows(env.DB, a, [users[2]!], Date.now())).toEqual(new Map([[users[2]!, 1]]));
  const prizes = splitPrize(1_000, users).shares.map(
    (s) => prizeEvent({ activityId: a, userId: s.userId, amountCents: s.cents }).body,
  );
  const packets = rainPackets(RAIN).map(
    (cents, i) =>
      redPacketEvent({ activityId: a, userId: users[i % 5]!, rain: 0, packetIndex: i, amountCents: cents })
        .body,
  );
  const revival = revivalCardEvent({ activityId: a, userId: users[2]!, question: 0, count: 1 }).body;
  return { activity, users, prizes, packets, revival };
}

/** What each winner must hold once everything settled: 200 cents and their packets. */
function expectedBalances(r: Room): number[] {
  return r.users.map(
    (u) => 200 + r.packets.filter((e) => e.userId === u).reduce((s, e) => s + e.amountCents, 0),
  );
}

async function balances(users: readonly string[]): Promise<number[]> {
  return Promise.all(users.map((u) => balance(userAccount(u))));
}

async function cardUses(activityId: string): Promise<{ key: string; covered: number }[]> {
  const { results } = await env.DB.prepare("SELECT key, covered FROM revival_card_uses WHERE activity_id = ?")
    .bind(activityId)
    .all<{ key: string; covered: number }>();
  return results;
}

/** `db` counting its `batch()` calls (and the statements in each); every other call goes straight through. */
function countingDb(db: D1Database): { db: D1Database; batches: number[] } {
  const batches: number[] = [];
  const counted = new Proxy(db, {
    get(target, prop) {
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          batches.push(statements.length);
          return target.batch(statements);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: counted, batches };
}

let counter = 0;

/** Hands `bodies` to the consumer as one Queue batch; its report and which messages it acked or retried. */
async function settle(
  bodies: readonly unknown[],
  db: D1Database = env.DB,
): Promise<{ report: BatchReport; result: QueueResult; ids: string[] }> {
  const ids = bodies.map(() => `batch-msg-${++counter}`);
  const batch = createMessageBatch(
    SETTLEMENT_QUEUE,
    bodies.map((body, i) => ({ id: ids[i]!, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  const report = await handleSettlementBatch(batch, { ...env, DB: db });
  return { report, result: await getQueueResult(batch, ctx), ids };
}

async function issuesOf(
  activityId: string,
): Promise<{ code: string; key: string | null; detail: unknown }[]> {
  const { results } = await env.DB.prepare(
    "SELECT code, key, detail FROM settlement_issues WHERE activity_id = ? ORDER BY id",
  )
    .bind(activityId)
    .all<{ code: string; key: string | null; detail: string }>();
  return results.map((r) => ({ code: r.code, key: r.key, detail: JSON.parse(r.detail) as unknown }));
}

describe("the batched settlement consumer", () => {
  it("settles a Queue batch of 100 with one D1 batch of writes, a duplicate inside the batch once", async () => {
    const r = await room();
    const events = [...r.prizes, ...r.packets, r.revival];
    // 96 events and 4 second deliveries in the same batch: a prize, two packets and the card.
    const bodies = [...events, r.prizes[1]!, r.packets[0]!, r.packets[89]!, r.revival];
    expect(bodies).toHaveLength(100);
    const { db, batches } = countingDb(env.DB);
    const { report, result, ids } = await settle(bodies, db);

    expect(report).toEqual({ posted: 96, duplicates: 4, issues: 0, retried: 0, oneByOne: false });
    // The activities' funding read (2 statements), then one batch: the INSERT of every transfer, each
    // copy of the card's use (insert, read-back), the read-back of every transfer.
    expect(batches).toEqual([2, 6]);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(await balances(r.users)).toEqual(expectedBalances(r));
    expect((await balances(r.users)).reduce((x, y) => x + y, 0)).toBe(1_900);
    expect(await balance(prizePoolAccount(r.activity.id))).toBe(0);
    expect(await balance(rainBudgetAccount(r.activity.id))).toBe(0);
    expect(await cardUses(r.activity.id)).toEqual([{ key: r.revival.key, covered: 1 }]);
    const counts = await keyCounts([...r.prizes, ...r.packets].map((e) => e.key));
    expect(new Set(counts.values())).toEqual(new Set([1]));
    expect(await keyCounts([`fund:prize:${r.activity.id}`, `fund:rain:${r.activity.id}:0`])).toEqual(
      new Map([
        [`fund:prize:${r.activity.id}`, 1],
        [`fund:rain:${r.activity.id}:0`, 1],
      ]),
    );
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });

  it("applies each key once across batches: a batch delivered again, and batches that overlap", async () => {
    const r = await room();
    const first = [...r.prizes, ...r.packets.slice(0, 45)];
    const second = [...r.packets.slice(45), r.revival];
    expect((await settle(first)).report).toEqual({
      posted: 50,
      duplicates: 0,
      issues: 0,
      retried: 0,
      oneByOne: false,
    });
    // The second batch carries the first one again.
    const overlap = await settle([...second, ...first]);
    expect(overlap.report).toEqual({ posted: 46, duplicates: 50, issues: 0, retried: 0, oneByOne: false });
    expect(overlap.result.explicitAcks).toEqual(overlap.ids);
    // Everything once more, in another order.
    const { db, batches } = countingDb(env.DB);
    const again = await settle([...second, ...first].reverse(), db);
    expect(again.report).toEqual({ posted: 0, duplicates: 96, issues: 0, retried: 0, oneByOne: false });
    expect(batches).toEqual([2, 4]);

    expect(await balances(r.users)).toEqual(expectedBalances(r));
    expect(await balance(prizePoolAccount(r.activity.id))).toBe(0);
    expect(await balance(rainBudgetAccount(r.activity.id))).toBe(0);
    expect(await cardUses(r.activity.id)).toEqual([{ key: r.revival.key, covered: 1 }]);
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });

  it("refuses a key reused with other contents, inside one batch and across batches, and moves nothing for it", async () => {
    const r = await room();
    const a = r.activity.id;
    const [p0, p1] = r.prizes as [Extract<SettlementEvent, { kind: "prize" }>, SettlementEvent];
    const packet = r.packets[3]!;
    await settle([packet]);
    // Same key, other contents: a prize with another amount (in the batch after its first copy), a
    // packet already posted now claimed for another user, the card's use at another question.
    const forgedPrize = { ...p0, amountCents: 999 };
    const forgedPacket = { ...packet, userId: r.users[4]! };
    const forgedRevival = { ...r.revival, question: 7 };
    const { db, batches } = countingDb(env.DB);
    const { report, result, ids } = await settle(
      [p0, forgedPrize, forgedPacket, p1, r.revival, forgedRevival],
      db,
    );

    expect(report).toEqual({ posted: 3, duplicates: 0, issues: 3, retried: 0, oneByOne: false });
    // The issues the read-back found are recorded in one more D1 batch.
    expect(batches).toEqual([2, 6, 3]);
    expect(result.explicitAcks).toEqual(ids);
    expect(await balance(userAccount(r.users[0]!))).toBe(200);
    expect(await balance(userAccount(r.users[1]!))).toBe(200);
    expect(await balance(userAccount(r.users[3]!))).toBe(packet.amountCents);
    expect(await balance(userAccount(r.users[4]!))).toBe(0);
    expect(await cardUses(a)).toEqual([{ key: r.revival.key, covered: 1 }]);
    const transfer = (
      e: { key: string; userId: string; amountCents: number },
      from: string,
      kind: string,
    ) => ({
      key: e.key,
      from,
      to: userAccount(e.userId),
      amountCents: e.amountCents,
      kind,
      activityId: a,
      userId: e.userId,
    });
    expect(await issuesOf(a)).toEqual([
      {
        code: "KEY_CONFLICT",
        key: p0.key,
        detail: {
          existing: transfer(p0, prizePoolAccount(a), "prize"),
          incoming: transfer(forgedPrize, prizePoolAccount(a), "prize"),
        },
      },
      {
        code: "KEY_CONFLICT",
        key: packet.key,
        detail: {
          existing: transfer(packet, rainBudgetAccount(a), "red_packet"),
          incoming: transfer(forgedPacket, rainBudgetAccount(a), "red_packet"),
        },
      },
      {
        code: "KEY_CONFLICT",
        key: r.revival.key,
        detail: {
          existing: { user_id: r.users[2], activity_id: a, question: 0, count: 1 },
          incoming: forgedRevival,
        },
      },
    ]);
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });

  it("reports a pool funded with another amount beside the prize, which still stands", async () => {
    const r = await room();
    const a = r.activity.id;
    const funded = {
      key: `fund:prize:${a}`,
      from: "issuance",
      to: prizePoolAccount(a),
      amountCents: 1_500,
      kind: "fund_prize_pool" as const,
      activityId: a,
      userId: null,
    };
    expect(await postTransfers(env.DB, [funded], Date.now())).toMatchObject({ ok: true });
    const { report } = await settle([r.prizes[0]!, r.prizes[1]!]);
    expect(report).toEqual({ posted: 2, duplicates: 0, issues: 2, retried: 0, oneByOne: false });
    expect(await balance(prizePoolAccount(a))).toBe(1_100);
    expect(await balance(userAccount(r.users[0]!))).toBe(200);
    const issues = await issuesOf(a);
    expect(issues.map((i) => [i.code, i.key])).toEqual([
      ["FUNDING_CONFLICT", funded.key],
      ["FUNDING_CONFLICT", funded.key],
    ]);
    expect(issues[0]!.detail).toEqual({ existing: funded, incoming: { ...funded, amountCents: 1_000 } });
  });

  it("settles the rest of a batch one by one when one message rolls its D1 batch back, and records that one", async () => {
    const r = await room();
    // A packet claiming more than the whole rain: its debit would overdraw the budget, so the batch's
    // one D1 batch fails (the CHECK rolls it back), whatever else it holds.
    const poison = redPacketEvent({
      activityId: r.activity.id,
      userId: r.users[0]!,
      rain: 0,
      packetIndex: 89,
      amountCents: 5_000,
    }).body;
    const bodies = [...r.prizes, ...r.packets.slice(0, 40), poison, ...r.packets.slice(40, 89), r.revival];
    const { report, result, ids } = await settle(bodies);

    expect(report).toEqual({ posted: 95, duplicates: 0, issues: 1, retried: 0, oneByOne: true });
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    const packet89 = r.packets[89]!;
    expect(await balances(r.users)).toEqual(
      expectedBalances(r).map((b, i) => (i === 89 % 5 ? b - packet89.amountCents : b)),
    );
    expect(await balance(rainBudgetAccount(r.activity.id))).toBe(packet89.amountCents);
    expect((await issuesOf(r.activity.id)).map((i) => [i.code, i.key])).toEqual([
      ["INSUFFICIENT_FUNDS", poison.key],
    ]);
    expect(await cardUses(r.activity.id)).toEqual([{ key: r.revival.key, covered: 1 }]);
    const counts = await keyCounts([...r.prizes, ...r.packets.slice(0, 89)].map((e) => e.key));
    expect(new Set(counts.values())).toEqual(new Set([1]));
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });

  it.each<[Fault, { posted: number; duplicates: number }]>([
    ["before", { posted: 96, duplicates: 0 }],
    ["after", { posted: 0, duplicates: 96 }],
  ])(
    "settles a batch one by one when its D1 batch fails %s committing, exactly once",
    async (fault, counts) => {
      const r = await room();
      let calls = 0;
      // The second D1 call is the batch's writes (the first reads the funding); every later one works.
      const db = flakyDb(env.DB, () => {
        calls += 1;
        return calls === 2 ? fault : "none";
      });
      const { report, result, ids } = await settle([...r.prizes, ...r.packets, r.revival], db);

      expect(report).toEqual({ ...counts, issues: 0, retried: 0, oneByOne: true });
      expect(result.explicitAcks).toEqual(ids);
      expect(await balances(r.users)).toEqual(expectedBalances(r));
      expect(await cardUses(r.activity.id)).toEqual([{ key: r.revival.key, covered: 1 }]);
      expect(new Set((await keyCounts([...r.prizes, ...r.packets].map((e) => e.key))).values())).toEqual(
        new Set([1]),
      );
      expect(await sumOfBalances()).toBe(0);
    },
  );

  it("retries every message of a batch D1 refuses, and settles them exactly once when they come back", async () => {
    const r = await room();
    const other = await room();
    const events = [...r.prizes, ...r.packets, r.revival, ...other.prizes, ...other.packets, other.revival];
    // 192 events, one in 8 delivered twice (24): 216 messages in batches of 100. Batches 0 and 2 see a
    // D1 that fails every call (alternately before and after committing): each of their messages is
    // retried; the Queue puts the retries at its back.
    const q = await runQueue(events, {
      batchSize: 100,
      failBatch: (n) => n === 0 || n === 2,
      duplicate: (i) => i % 8 === 0,
    });
    expect(q).toEqual({ batches: 5, deliveries: 416, retries: 200, failedBatches: 2 });
    for (const run of [r, other]) {
      expect(await balances(run.users)).toEqual(expectedBalances(run));
      expect(await balance(prizePoolAccount(run.activity.id))).toBe(0);
      expect(await balance(rainBudgetAccount(run.activity.id))).toBe(0);
      expect(await cardUses(run.activity.id)).toEqual([{ key: run.revival.key, covered: 1 }]);
      expect(await issuesOf(run.activity.id)).toEqual([]);
    }
    expect(
      new Set((await keyCounts(events.filter((e) => e.kind !== "revival_card").map((e) => e.key))).values()),
    ).toEqual(new Set([1]));
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });
});
