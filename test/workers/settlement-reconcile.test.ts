import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import worker from "../../workers/index";
import { ISSUANCE, prizePoolAccount, rainBudgetAccount, userAccount } from "../../workers/ledger/accounts";
import { postTransfers } from "../../workers/ledger/post";
import type { ReconcileReport } from "../../workers/settlement/reconcile-run";
import { call, tokenFor } from "./http-helpers";
import {
  closeAll,
  control,
  grab,
  type OpenGame,
  openGame,
  playQuestions,
  questions,
  rainOf,
  roomRecord,
} from "./support/game";
import { balance, keyCounts, sumOfBalances } from "./support/ledger";

const PLAYERS = [
  { name: "ann", answers: [1, 1] },
  { name: "ben", cards: 1, answers: [0, 1] },
  { name: "cat", answers: [1, 0] },
];

/** One rain of 4 packets, 36 cents in all: P[0..3]. */
const RAIN = rainOf(36, 4, "reconcile");
const P = rainPackets(RAIN) as readonly [number, number, number, number];
/** What ann grabbed, and what the three grabs took from the pool. */
const annPackets = P[0] + P[1];
const granted = P[0] + P[1] + P[2];

/**
 * A settled game: prizes 500 / 500 to ann and ben, packets P[0] + P[1] to ann and P[2] to cat (P[3]
 * stays unclaimed), ben's card.
 */
async function settledGame(): Promise<OpenGame> {
  const game = await openGame(PLAYERS, {
    questions: questions(2),
    prizePoolCents: 1_000,
    rains: [RAIN],
  });
  await control(game.activity.id, { kind: "startRain", rain: 0, streamTsMs: 0 });
  expect(await grab(game.clients.ann!, 0)).toBe(P[0]);
  expect(await grab(game.clients.ann!, 0)).toBe(P[1]);
  expect(await grab(game.clients.cat!, 0)).toBe(P[2]);
  await playQuestions(game, PLAYERS);
  await control(game.activity.id, { kind: "end" });
  await vi.waitUntil(async () => (await reconcile(game.activity.id, false)).activities[0]!.ok, {
    timeout: 10_000,
    interval: 200,
  });
  return game;
}

async function reconcile(activityId: string, repair: boolean): Promise<ReconcileReport> {
  const res = await call<{ report: ReconcileReport }>(
    "POST",
    `/api/admin/reconcile?activity=${activityId}&repair=${repair}`,
    { token: await tokenFor("admin") },
  );
  expect(res.status).toBe(200);
  return res.body.report;
}

describe("reconciliation", () => {
  it("reports a transfer deleted by hand, repairs it from the room, then reports nothing", async () => {
    const game = await settledGame();
    const a = game.activity.id;
    const ann = game.ids.ann!;
    const clean = (await reconcile(a, false)).activities[0]!;
    expect(clean).toMatchObject({
      ok: true,
      differences: [],
      room: { prizeCents: 1_000, prizeCount: 2, redPacketCents: granted, redPacketCount: 3, revivalUses: 1 },
      ledger: {
        prizeCents: 1_000,
        redPacketCents: granted,
        revivalUses: 1,
        fundedPrizePoolCents: 1_000,
        fundedRainBudgetCents: 36,
        prizePoolLeftCents: 0,
        rainBudgetLeftCents: P[3],
      },
    });
    expect(await balance(userAccount(ann))).toBe(500 + annPackets);

    await env.DB.prepare("DELETE FROM ledger_transfers WHERE key = ?").bind(`prize:${a}:${ann}`).run();
    expect(await balance(userAccount(ann))).toBe(annPackets);

    const found = await reconcile(a, false);
    expect(found.activities[0]!.differences).toEqual([
      {
        type: "missing_in_ledger",
        key: `prize:${a}:${ann}`,
        kind: "prize",
        userId: ann,
        amountCents: 500,
        count: 0,
        roomSentAtMs: expect.any(Number),
      },
    ]);
    expect(found.activities[0]!.repair).toBeNull();
    expect(found.ledger.sumOfBalancesCents).toBe(0);

    const repaired = await reconcile(a, true);
    expect(repaired.activities[0]!.repair).toEqual({ resent: [`prize:${a}:${ann}`], unknown: [] });
    await vi.waitUntil(async () => (await balance(userAccount(ann))) === 500 + annPackets, {
      timeout: 10_000,
      interval: 100,
    });

    const after = await reconcile(a, false);
    expect(after.activities[0]).toMatchObject({ ok: true, differences: [] });
    expect(after.ledger).toEqual({ sumOfBalancesCents: 0, driftedAccounts: [] });
    expect(await balance(prizePoolAccount(a))).toBe(0);
    closeAll(game);
  }, 30_000);

  it("reports amount mismatches and keys the room never wrote, and repairs neither", async () => {
    const game = await settledGame();
    const a = game.activity.id;
    const ben = game.ids.ben!;
    const stranger = `${ben}-x`;
    await env.DB.prepare("DELETE FROM ledger_transfers WHERE key = ?").bind(`prize:${a}:${ben}`).run();
    const forged = await postTransfers(
      env.DB,
      [
        {
          key: `prize:${a}:${ben}`,
          from: prizePoolAccount(a),
          to: userAccount(ben),
          amountCents: 499,
          kind: "prize",
          activityId: a,
          userId: ben,
        },
        {
          key: `prize:${a}:${stranger}`,
          from: prizePoolAccount(a),
          to: userAccount(stranger),
          amountCents: 1,
          kind: "prize",
          activityId: a,
          userId: stranger,
        },
      ],
      Date.now(),
    );
    expect(forged.ok).toBe(true);
    const report = await reconcile(a, true);
    expect(report.activities[0]!.differences).toEqual([
      {
        type: "amount_mismatch",
        key: `prize:${a}:${ben}`,
        kind: "prize",
        room: { userId: ben, amountCents: 500, count: 0 },
        ledger: { userId: ben, amountCents: 499, count: 0 },
      },
      {
        type: "unknown_in_room",
        key: `prize:${a}:${stranger}`,
        kind: "prize",
        userId: stranger,
        amountCents: 1,
        count: 0,
      },
    ]);
    expect(report.activities[0]!.repair).toBeNull();
    expect(report.ledger.sumOfBalancesCents).toBe(0);
    closeAll(game);
  }, 30_000);

  it("runs from the cron: repairs a lost transfer of a recent activity", async () => {
    const game = await settledGame();
    const a = game.activity.id;
    const cat = game.ids.cat!;
    const packet = (await roomRecord(a)).find((e) => e.kind === "red_packet" && e.userId === cat)!;
    await env.DB.prepare("DELETE FROM ledger_transfers WHERE key = ?").bind(packet.key).run();
    expect(await balance(userAccount(cat))).toBe(0);
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" });
    await worker.scheduled(controller, env);
    await vi.waitUntil(async () => (await balance(userAccount(cat))) === P[2], {
      timeout: 10_000,
      interval: 100,
    });
    expect((await reconcile(a, false)).activities[0]!.ok).toBe(true);
    expect(await sumOfBalances()).toBe(0);
    closeAll(game);
  }, 30_000);

  it("gives an ended game's leftover rain budget back to issuance once everything is in, once", async () => {
    const game = await settledGame();
    const a = game.activity.id;
    // A red packet lost on the way: the leftover waits while the ledger may still pay from the budget.
    const cat = game.ids.cat!;
    const packet = (await roomRecord(a)).find((e) => e.kind === "red_packet" && e.userId === cat)!;
    await env.DB.prepare("DELETE FROM ledger_transfers WHERE key = ?").bind(packet.key).run();
    expect(await balance(rainBudgetAccount(a))).toBe(P[3] + P[2]);
    const waiting = (await reconcile(a, true)).activities[0]!;
    expect(waiting.leftover).toEqual({ state: "waiting", returned: [] });
    expect(waiting.repair).toEqual({ resent: [packet.key], unknown: [] });
    await vi.waitUntil(async () => (await balance(userAccount(cat))) === P[2], {
      timeout: 10_000,
      interval: 100,
    });

    // Without repair the report says what is due and moves nothing.
    const due = (await reconcile(a, false)).activities[0]!;
    expect(due.leftover).toEqual({ state: "due", returned: [] });
    expect(due.ledger).toMatchObject({ rainBudgetLeftCents: P[3], returnedRainBudgetCents: 0 });
    const issuance = await balance(ISSUANCE);

    const report = await reconcile(a, true);
    expect(report.summary).toEqual({ activities: 1, differences: 0, resent: 0, returned: 1 });
    const returned = report.activities[0]!;
    expect(returned).toMatchObject({ ok: true, differences: [] });
    expect(returned.leftover).toEqual({ state: "returned", returned: [`return:rain:${a}`] });
    expect(returned.ledger).toEqual({
      prizeCents: 1_000,
      prizeCount: 2,
      redPacketCents: granted,
      redPacketCount: 3,
      revivalUses: 1,
      revivalCards: 1,
      revivalReleases: 0,
      fundedPrizePoolCents: 1_000,
      fundedRainBudgetCents: 36,
      prizePoolLeftCents: 0,
      rainBudgetLeftCents: 0,
      returnedPrizePoolCents: 0,
      returnedRainBudgetCents: P[3],
    });
    expect(await balance(rainBudgetAccount(a))).toBe(0);
    expect(await balance(ISSUANCE)).toBe(issuance + P[3]);

    // Again: nothing left, nothing posted; the key stays single.
    const again = (await reconcile(a, true)).activities[0]!;
    expect(again.leftover).toEqual({ state: "returned", returned: [] });
    expect(await keyCounts([`return:rain:${a}`, `return:prize:${a}`])).toEqual(
      new Map([
        [`return:rain:${a}`, 1],
        [`return:prize:${a}`, 0],
      ]),
    );
    expect(await balance(ISSUANCE)).toBe(issuance + P[3]);
    expect(await sumOfBalances()).toBe(0);
    closeAll(game);
  }, 30_000);

  it("keeps a running game's budget: its rain may still pay", async () => {
    const game = await openGame(PLAYERS, { questions: questions(2), prizePoolCents: 1_000, rains: [RAIN] });
    const a = game.activity.id;
    await control(a, { kind: "startRain", rain: 0, streamTsMs: 0 });
    expect(await grab(game.clients.ann!, 0)).toBe(P[0]);
    await vi.waitUntil(async () => (await balance(userAccount(game.ids.ann!))) === P[0], {
      timeout: 10_000,
      interval: 100,
    });
    const open = (await reconcile(a, true)).activities[0]!;
    expect(open).toMatchObject({ ok: true, leftover: { state: "open", returned: [] } });
    expect(await balance(rainBudgetAccount(a))).toBe(36 - P[0]);
    closeAll(game);
  }, 30_000);

  it("is for admins only, and 404s an unknown activity", async () => {
    expect((await call("POST", "/api/admin/reconcile", { token: await tokenFor("viewer") })).status).toBe(
      403,
    );
    const res = await call<{ error: { code: string } }>("POST", "/api/admin/reconcile?activity=nope-404", {
      token: await tokenFor("admin"),
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ACTIVITY_NOT_FOUND");
  });
});
