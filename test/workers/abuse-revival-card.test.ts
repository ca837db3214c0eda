// Issue 12, items 3 and 5: one revival card cannot save its holder in two rooms, and another room's
// welcome cannot tell what the holder answered before the reveal. The room takes the card into
// escrow when the player joins; a use spends the escrow; the game's end gives an unused card back.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { unsealOutcome } from "../../client/seal";
import { takeRevivalEscrows } from "../../schema/queries/revival";
import { liveroom } from "../../schema/proto";
import { revivalReleaseEvent } from "../../schema/settlement";
import { type ActivityReport, reconcile } from "../../workers/settlement/reconcile-run";
import { control, questions } from "./support/game";
import { deliver } from "./support/ledger";
import { createActivity, createUser, RawClient, token, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const OK = liveroom.Status.OK;

async function cardsOf(userId: string): Promise<number | undefined> {
  const row = await env.DB.prepare("SELECT revival_cards AS n FROM users WHERE id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n;
}

async function report(activityId: string, repair = false): Promise<ActivityReport> {
  return (await reconcile(env, { activityIds: [activityId], repair, nowMs: Date.now() })).activities[0]!;
}

/** Waits until reconciliation finds the room and the ledger in agreement (the Queue delivered everything). */
async function settled(activityId: string): Promise<ActivityReport> {
  await vi.waitUntil(async () => (await report(activityId)).ok, { timeout: 15_000, interval: 100 });
  return report(activityId);
}

/** The revival cards a room's welcome shows this user (their player row there). */
async function welcomeCards(activityId: string, userId: string): Promise<number> {
  const client = await RawClient.join(activityId, userId);
  const res = await client.request(T.AUTH, { auth: { token: await token(userId) } });
  client.close();
  expect(res.status).toBe(OK);
  return res.welcome!.player!.revivalCards ?? 0;
}

/** Answers `option` and returns the sealed result, unsealed with the reveal's key once it comes. */
async function answered(client: RawClient, question: number, option: number): Promise<Uint8Array> {
  const res = await client.answer(question, option);
  expect(res.status).toBe(OK);
  return res.answer!.sealed!;
}

async function revealKey(activityId: string, client: RawClient, question: number): Promise<Uint8Array> {
  await control(activityId, { kind: "reveal", question, streamTsMs: 0 });
  return (await client.waitForNotification((n) => n.reveal?.question === question)).reveal!.key!;
}

async function uses(userId: string): Promise<{ activity_id: string; covered: number }[]> {
  const { results } = await env.DB.prepare(
    "SELECT activity_id, covered FROM revival_card_uses WHERE user_id = ? ORDER BY activity_id",
  )
    .bind(userId)
    .all<{ activity_id: string; covered: number }>();
  return results;
}

describe("revival card escrow", () => {
  it("attack 3: one card held by two rooms saves its holder once", async () => {
    const [a, b] = [
      await createActivity({ questions: questions(1), prizePoolCents: 1_000 }),
      await createActivity({ questions: questions(2), prizePoolCents: 1_000 }),
    ];
    const mallory = uniqueId("mallory");
    await createUser(mallory, 1);
    const inA = await RawClient.join(a.id, mallory);
    expect(await cardsOf(mallory)).toBe(0); // A took the card into escrow at the join
    const inB = await RawClient.join(b.id, mallory);
    expect(await welcomeCards(a.id, mallory)).toBe(1);
    expect(await welcomeCards(b.id, mallory)).toBe(0); // B found the balance empty

    // Wrong in A: revived by the card A holds.
    await control(a.id, { kind: "open" });
    await control(a.id, { kind: "push", question: 0, streamTsMs: 0 });
    const sealedA = await answered(inA, 0, 0);
    const keyA = await revealKey(a.id, inA, 0);
    expect(await unsealOutcome(sealedA, keyA, mallory)).toBe(liveroom.Outcome.REVIVED);
    await vi.waitUntil(async () => (await uses(mallory)).length === 1, { timeout: 10_000, interval: 100 });

    // Wrong in B: out, and eliminated from then on.
    await control(b.id, { kind: "open" });
    await control(b.id, { kind: "push", question: 0, streamTsMs: 0 });
    const sealedB = await answered(inB, 0, 0);
    const keyB = await revealKey(b.id, inB, 0);
    expect(await unsealOutcome(sealedB, keyB, mallory)).toBe(liveroom.Outcome.OUT_WRONG);
    await control(b.id, { kind: "push", question: 1, streamTsMs: 0 });
    expect((await inB.answer(1, 1)).code).toBe(liveroom.Code.ELIMINATED);
    await revealKey(b.id, inB, 1);

    await control(a.id, { kind: "end" });
    await control(b.id, { kind: "end" });
    const [ra, rb] = [await settled(a.id), await settled(b.id)];
    expect(ra.differences).toEqual([]);
    expect(rb.differences).toEqual([]);
    expect(ra.room).toMatchObject({ revivalUses: 1, revivalCards: 1, revivalReleases: 0 });
    expect(ra.revivalEscrows).toEqual({ taken: 1, held: 0, used: 1, released: 0 });
    expect(rb.room).toMatchObject({ revivalUses: 0, revivalReleases: 0 });
    expect(rb.revivalEscrows).toEqual({ taken: 0, held: 0, used: 0, released: 0 });
    expect(await cardsOf(mallory)).toBe(0);
    expect(await uses(mallory)).toEqual([{ activity_id: a.id, covered: 1 }]);
    inA.close();
    inB.close();
  }, 30_000);

  it("attack 5: another room's welcome shows the same cards whatever the holder answered", async () => {
    const a = await createActivity({ questions: questions(1), prizePoolCents: 1_000 });
    const c = await createActivity({ questions: questions(1), prizePoolCents: 1_000 });
    const wrong = uniqueId("wrong");
    const right = uniqueId("right");
    await createUser(wrong, 1);
    await createUser(right, 1);
    const w = await RawClient.join(a.id, wrong);
    const r = await RawClient.join(a.id, right);
    await control(c.id, { kind: "open" }); // C's lobby: a join there may take a card
    await control(a.id, { kind: "open" });
    await control(a.id, { kind: "push", question: 0, streamTsMs: 0 });
    const sealedWrong = await answered(w, 0, 0);
    const sealedRight = await answered(r, 0, 1);
    // The wrong answer's use reaches the ledger before the reveal; it changes no balance.
    await vi.waitUntil(async () => (await uses(wrong)).length === 1, { timeout: 10_000, interval: 100 });

    // Before A's reveal, both open a socket to C.
    const seenWrong = await welcomeCards(c.id, wrong);
    const seenRight = await welcomeCards(c.id, right);
    expect(seenWrong).toBe(seenRight);
    expect(seenWrong).toBe(0);
    expect(await cardsOf(wrong)).toBe(await cardsOf(right));
    expect(await cardsOf(wrong)).toBe(0);

    const key = await revealKey(a.id, w, 0);
    expect(await unsealOutcome(sealedWrong, key, wrong)).toBe(liveroom.Outcome.REVIVED);
    expect(await unsealOutcome(sealedRight, key, right)).toBe(liveroom.Outcome.CORRECT);
    // The end gives the unused card back: only then do the balances differ.
    await control(a.id, { kind: "end" });
    const ra = await settled(a.id);
    expect(ra.differences).toEqual([]);
    expect(ra.revivalEscrows).toEqual({ taken: 2, held: 0, used: 1, released: 1 });
    expect(await cardsOf(wrong)).toBe(0);
    expect(await cardsOf(right)).toBe(1);
    expect(await welcomeCards(a.id, right)).toBe(0); // the room holds it no more
    w.close();
    r.close();
  }, 30_000);

  it("gives an unused card back at the end exactly once, however often the release is delivered", async () => {
    const e = await createActivity({ questions: questions(1), prizePoolCents: 1_000 });
    const keeper = uniqueId("keeper");
    const late = uniqueId("late");
    await createUser(keeper, 1);
    await createUser(late, 1);
    const k = await RawClient.join(e.id, keeper);
    expect(await cardsOf(keeper)).toBe(0);
    await control(e.id, { kind: "open" });
    await control(e.id, { kind: "push", question: 0, streamTsMs: 0 });
    await answered(k, 0, 1);
    await revealKey(e.id, k, 0);
    // A player joining after the first question can only watch: the room takes no card from them.
    expect(await welcomeCards(e.id, late)).toBe(0);
    expect(await cardsOf(late)).toBe(1);
    await control(e.id, { kind: "end" });

    const r = await settled(e.id);
    expect(r.differences).toEqual([]);
    expect(r.room).toMatchObject({ revivalUses: 0, revivalReleases: 1 });
    expect(r.ledger).toMatchObject({ revivalUses: 0, revivalReleases: 1 });
    expect(r.revivalEscrows).toEqual({ taken: 1, held: 0, used: 0, released: 1 });
    expect(await cardsOf(keeper)).toBe(1);

    const release = revivalReleaseEvent({ activityId: e.id, userId: keeper, count: 1 }).body;
    const again = await deliver([release, release]);
    expect(again.explicitAcks).toEqual(again.ids);
    await deliver([release]);
    expect(await cardsOf(keeper)).toBe(1);
    const { results } = await env.DB.prepare(
      "SELECT key, returned, source FROM revival_card_releases WHERE activity_id = ?",
    )
      .bind(e.id)
      .all();
    expect(results).toEqual([{ key: `revival-release:${e.id}:${keeper}`, returned: 1, source: "room" }]);
    expect((await report(e.id)).ok).toBe(true);
    k.close();
  }, 30_000);

  it("takes one card per (user, activity), atomically: a concurrent take elsewhere finds it gone", async () => {
    const u = uniqueId("u");
    await createUser(u, 1);
    const [x, y] = [uniqueId("x"), uniqueId("y")];
    const [fromX, fromY] = await Promise.all([
      takeRevivalEscrows(env.DB, x, [u], Date.now()),
      takeRevivalEscrows(env.DB, y, [u], Date.now()),
    ]);
    expect([fromX.get(u) ?? 0, fromY.get(u) ?? 0].sort()).toEqual([0, 1]);
    expect(await cardsOf(u)).toBe(0);
    const holder = fromX.has(u) ? x : y;
    const other = holder === x ? y : x;
    // Asked again (a room that lost the row): the same answer, and no second card.
    expect(await takeRevivalEscrows(env.DB, holder, [u], Date.now())).toEqual(new Map([[u, 1]]));
    expect(await takeRevivalEscrows(env.DB, other, [u], Date.now())).toEqual(new Map());
    expect(await cardsOf(u)).toBe(0);
  });

  it("a connect storm takes every card in coalesced batches", async () => {
    const storm = await createActivity({ questions: questions(1), prizePoolCents: 1_000 });
    const p = uniqueId("storm");
    const ids = Array.from({ length: 40 }, (_, i) => `${p}-${i}`);
    for (const id of ids) await createUser(id, 2);
    const clients = await Promise.all(ids.map((id) => RawClient.join(storm.id, id)));
    const { results } = await env.DB.prepare(
      "SELECT COUNT(*) AS escrows, SUM(u.revival_cards) AS left FROM revival_escrows e JOIN users u ON u.id = e.user_id WHERE e.activity_id = ?",
    )
      .bind(storm.id)
      .all<{ escrows: number; left: number }>();
    expect(results).toEqual([{ escrows: 40, left: 40 }]);
    for (const c of clients) c.close();
  }, 30_000);

  it("reports a use no escrow covers, an escrow released and used, and releases an ended game's orphan", async () => {
    const e = await createActivity({ questions: questions(1), prizePoolCents: 1_000 });
    const keeper = uniqueId("keeper");
    const ghost = uniqueId("ghost");
    const orphan = uniqueId("orphan");
    await createUser(keeper, 1);
    await createUser(orphan, 1);
    const k = await RawClient.join(e.id, keeper);
    await control(e.id, { kind: "open" });
    await control(e.id, { kind: "push", question: 0, streamTsMs: 0 });
    await revealKey(e.id, k, 0);
    await control(e.id, { kind: "end" });
    expect((await settled(e.id)).revivalEscrows).toEqual({ taken: 1, held: 0, used: 0, released: 1 });
    expect(await cardsOf(keeper)).toBe(1);

    // By hand: a use of the released escrow, a use by a player the room never escrowed, and an
    // escrow taken for the ended game with no player row (a row lost after the take).
    const now = Date.now();
    const insertUse = env.DB.prepare(
      "INSERT INTO revival_card_uses (key, user_id, activity_id, question, count, covered, created_at) VALUES (?, ?, ?, 0, 1, 0, ?)",
    );
    await insertUse.bind(`revival:${e.id}:${keeper}`, keeper, e.id, now).run();
    await insertUse.bind(`revival:${e.id}:${ghost}`, ghost, e.id, now).run();
    expect(await takeRevivalEscrows(env.DB, e.id, [orphan], now)).toEqual(new Map([[orphan, 1]]));
    expect(await cardsOf(orphan)).toBe(0);

    const found = await report(e.id);
    expect(found.ok).toBe(false);
    expect(found.differences).toEqual([
      {
        type: "revival_escrow_overdrawn",
        key: `revival-escrow:${e.id}:${keeper}`,
        userId: keeper,
        problem: "released_and_used",
        escrowed: 1,
        used: 1,
        returned: 1,
      },
      {
        type: "revival_escrow_held",
        key: `revival-escrow:${e.id}:${orphan}`,
        userId: orphan,
        cards: 1,
        takenAtMs: now,
      },
      {
        type: "unknown_in_room",
        key: `revival:${e.id}:${ghost}`,
        kind: "revival_card",
        userId: ghost,
        amountCents: 0,
        count: 1,
      },
      { type: "revival_uncovered", key: `revival:${e.id}:${ghost}`, userId: ghost, count: 1 },
      {
        type: "unknown_in_room",
        key: `revival:${e.id}:${keeper}`,
        kind: "revival_card",
        userId: keeper,
        amountCents: 0,
        count: 1,
      },
    ]);
    expect(found.escrowRepair).toBeNull();

    // Repair gives the orphan's card back (the game is over: nothing can use it), once.
    const repaired = await report(e.id, true);
    expect(repaired.escrowRepair).toEqual({ released: [`revival-release:${e.id}:${orphan}`] });
    expect(await cardsOf(orphan)).toBe(1);
    await report(e.id, true);
    expect(await cardsOf(orphan)).toBe(1);
    const after = await report(e.id);
    expect(after.differences.map((d) => d.type)).toEqual([
      "revival_escrow_overdrawn",
      "unknown_in_room",
      "revival_uncovered",
      "unknown_in_room",
    ]);
    expect(after.revivalEscrows).toEqual({ taken: 2, held: 0, used: 1, released: 1 });
    k.close();
  }, 30_000);
});
