import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { LiveRoom } from "../../durable-objects/live-room";
import { prizePoolAccount, userAccount } from "../../workers/ledger/accounts";
import { closeAll, openGame, playQuestions, questions, roomRecord } from "./support/game";
import { balance, keyCounts, sumOfBalances } from "./support/ledger";
import { roomStub } from "./support/raw-client";

const PLAYERS = [
  { name: "ann", answers: [1, 1] },
  { name: "ben", answers: [1, 1] },
  { name: "cat", cards: 1, answers: [0, 1] }, // wrong, revived by her card
  { name: "dan", answers: [0] }, // out
];

async function cardsOf(userId: string): Promise<number | undefined> {
  const row = await env.DB.prepare("SELECT revival_cards AS n FROM users WHERE id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n;
}

async function unsentCount(activityId: string): Promise<number> {
  return runInDurableObject(roomStub(activityId), (_room: LiveRoom, state) =>
    Number(state.storage.sql.exec("SELECT COUNT(*) AS n FROM outbox WHERE sent_ms IS NULL").one().n),
  );
}

describe("outbox → Queue → consumer → ledger", () => {
  it("settles a game's prizes and revival card exactly, on its own", async () => {
    const game = await openGame(PLAYERS, { questions: questions(2), prizePoolCents: 1_000 });
    const { ann, ben, cat } = game.ids as Record<string, string>;
    // The room took cat's card into escrow when she joined.
    expect(await cardsOf(cat!)).toBe(0);
    await playQuestions(game, PLAYERS);
    await roomStub(game.activity.id).control(game.activity.id, { kind: "end" });
    // 1,000 cents among ann, ben, cat: 334 to the first id in order, 333 to the others.
    await vi.waitUntil(async () => (await balance(userAccount(cat!))) > 0, {
      timeout: 10_000,
      interval: 100,
    });
    expect(await balance(userAccount(ann!))).toBe(334);
    expect(await balance(userAccount(ben!))).toBe(333);
    expect(await balance(userAccount(cat!))).toBe(333);
    expect(await balance(prizePoolAccount(game.activity.id))).toBe(0);
    expect(await sumOfBalances()).toBe(0);
    const entries = await roomRecord(game.activity.id);
    expect(entries.map((e) => [e.kind, e.amountCents, e.count])).toEqual([
      ["prize", 334, 0],
      ["prize", 333, 0],
      ["prize", 333, 0],
      ["revival_card", 0, 1],
    ]);
    // The use is recorded once, against the escrow; it takes no second card, and nothing is released.
    const uses = async () =>
      (
        await env.DB.prepare("SELECT user_id, covered FROM revival_card_uses WHERE activity_id = ?")
          .bind(game.activity.id)
          .all<{ user_id: string; covered: number }>()
      ).results;
    await vi.waitUntil(async () => (await uses()).length > 0, { timeout: 10_000, interval: 100 });
    expect(await uses()).toEqual([{ user_id: cat, covered: 1 }]);
    expect(await cardsOf(cat!)).toBe(0);
    expect(await unsentCount(game.activity.id)).toBe(0);
    closeAll(game);
  }, 30_000);

  it("a room evicted between committing its prizes and sending them settles them exactly once", async () => {
    const game = await openGame(PLAYERS, { questions: questions(2), prizePoolCents: 1_001 });
    await playQuestions(game, PLAYERS);
    const stub = roomStub(game.activity.id);
    await runInDurableObject(stub, async (room: LiveRoom, state) => {
      // Nothing else runs in the room meanwhile: the end commits, and its drain is pushed an hour out,
      // as if the room were evicted before its alarm fired.
      await state.blockConcurrencyWhile(async () => {
        expect((await room.control(game.activity.id, { kind: "end" })).ok).toBe(true);
        await state.storage.setAlarm(Date.now() + 3_600_000);
      });
    });
    // The revival card went out during the game; the three prizes wait.
    expect(await unsentCount(game.activity.id)).toBe(3);
    await evictDurableObject(stub);
    await runDurableObjectAlarm(stub);
    const { ann, ben, cat } = game.ids as Record<string, string>;
    await vi.waitUntil(async () => (await balance(userAccount(cat!))) === 333, {
      timeout: 10_000,
      interval: 100,
    });
    expect(await balance(userAccount(ann!))).toBe(334);
    expect(await balance(userAccount(ben!))).toBe(334);
    expect(await unsentCount(game.activity.id)).toBe(0);
    const keys = (await roomRecord(game.activity.id)).filter((e) => e.kind === "prize").map((e) => e.key);
    expect([...(await keyCounts(keys)).values()]).toEqual([1, 1, 1]);
    expect(await sumOfBalances()).toBe(0);
    closeAll(game);
  }, 30_000);
});
