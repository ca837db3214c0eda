// Many seeded games, each with prizes, a rain and revival cards, settled through the real outbox →
// Queue → consumer path while the seed injects faults: evictions (one between committing the prizes
// and sending them), extra deliveries of every kind of message (duplicates), consumer batches whose
// D1 writes fail before or after committing (retried), and re-sends from the room.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { LiveRoom } from "../../durable-objects/live-room";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { randomInt, type Rng, seededRng } from "../../durable-objects/features/rain/prng";
import { prizePoolAccount, rainBudgetAccount, userAccount } from "../../workers/ledger/accounts";
import { reconcile } from "../../workers/settlement/reconcile-run";
import {
  closeAll,
  control,
  grab,
  openGame,
  type PlannedPlayer,
  playQuestions,
  questions,
  rainOf,
  roomRecord,
  wonByUser,
} from "./support/game";
import { balance, keyCounts, runQueue, sumOfBalances } from "./support/ledger";
import { roomStub } from "./support/raw-client";

const SEEDS = 24;
const PARALLEL = 4;

interface Figures {
  seed: string;
  players: number;
  events: number;
  prizeCents: number;
  redPacketCents: number;
  revivals: number;
  releases: number;
  evictions: number;
  extraDeliveries: number;
  failedBatches: number;
  resent: number;
}

/** True with probability p (the generator yields uint32s). */
function chance(rng: Rng, p: number): boolean {
  return randomInt(rng, 1_000_000) < p * 1_000_000;
}

async function outboxBodies(activityId: string): Promise<unknown[]> {
  return runInDurableObject(roomStub(activityId), (_room: LiveRoom, state) =>
    state.storage.sql
      .exec<{ body: string }>("SELECT body FROM outbox ORDER BY key")
      .toArray()
      .map((r) => JSON.parse(r.body) as unknown),
  );
}

async function cardsOf(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT revival_cards AS n FROM users WHERE id = ?")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Waits until the settlement Queue delivered everything sent to it so far. The Queue's delay is
 * wall time (its batch timeout), not a room's clock: a marker sent behind those messages is recorded
 * as an INVALID_EVENT issue once the consumer reaches it, and the local Queue delivers in order.
 */
async function queueDelivered(tag: string): Promise<void> {
  const body = JSON.stringify({ queueMarker: tag });
  await env.SETTLEMENT.send(JSON.parse(body));
  const marked = () =>
    env.DB.prepare("SELECT code FROM settlement_issues WHERE body = ?").bind(body).first<{ code: string }>();
  await vi.waitUntil(async () => (await marked()) !== null, { timeout: 10_000, interval: 50 });
  expect((await marked())?.code).toBe("INVALID_EVENT");
}

async function runSeed(seed: string): Promise<Figures> {
  const rng = seededRng(seed);
  const nQuestions = 1 + randomInt(rng, 3);
  const players: PlannedPlayer[] = Array.from({ length: 3 + randomInt(rng, 5) }, (_, i) => ({
    name: `p${i}`,
    cards: chance(rng, 0.4) ? 1 + randomInt(rng, 2) : undefined,
    answers: Array.from({ length: nQuestions }, () => (chance(rng, 0.1) ? null : chance(rng, 0.75) ? 1 : 0)),
  }));
  const count = 2 + randomInt(rng, 10);
  const rain = rainOf(count + randomInt(rng, count * 500), count, seed);
  const pool = 1 + randomInt(rng, 100_000);
  const game = await openGame(players, {
    questions: questions(nQuestions),
    prizePoolCents: pool,
    rains: [rain],
  });
  const a = game.activity.id;
  const stub = roomStub(a);
  const figures: Figures = {
    seed,
    players: players.length,
    events: 0,
    prizeCents: 0,
    redPacketCents: 0,
    revivals: 0,
    releases: 0,
    evictions: 0,
    extraDeliveries: 0,
    failedBatches: 0,
    resent: 0,
  };
  const evict = async () => {
    await evictDurableObject(stub);
    figures.evictions += 1;
  };

  await control(a, { kind: "startRain", rain: 0, streamTsMs: 0 });
  for (const p of players) {
    for (let g = randomInt(rng, 4); g > 0; g--) await grab(game.clients[p.name]!, 0);
  }
  if (chance(rng, 0.5)) await evict();
  await playQuestions(game, players);
  if (chance(rng, 0.5)) {
    // Evicted between committing the prizes and sending them: the drain waits for the next wake.
    await runInDurableObject(stub, async (room: LiveRoom, state) => {
      await state.blockConcurrencyWhile(async () => {
        expect((await room.control(a, { kind: "end" })).ok).toBe(true);
        await state.storage.setAlarm(Date.now() + 3_600_000);
      });
    });
    await evict();
    await runDurableObjectAlarm(stub);
  } else {
    await control(a, { kind: "end" });
  }

  // Faults beside the real path: seeded extra deliveries, failing consumer batches, re-sends.
  const bodies = await outboxBodies(a);
  const extra = bodies.filter(() => chance(rng, 0.6));
  const failRate = randomInt(rng, 50) / 100;
  const q = await runQueue(extra, {
    batchSize: 1 + randomInt(rng, 8),
    failBatch: () => chance(rng, failRate),
    duplicate: () => chance(rng, 0.3),
  });
  figures.extraDeliveries = q.deliveries;
  figures.failedBatches = q.failedBatches;
  const record = await roomRecord(a);
  const resend = record.filter(() => chance(rng, 0.2)).map((e) => e.key);
  if (resend.length > 0) figures.resent = (await stub.resend(resend)).resent.length;
  if (chance(rng, 0.3)) await evict();

  // Everything the room wrote reaches the ledger exactly once.
  await vi.waitUntil(
    async () => {
      const report = await reconcile(env, { activityIds: [a], repair: false, nowMs: Date.now() });
      const unsent = (await roomRecord(a)).filter((e) => e.sentMs === null).length;
      return report.activities[0]!.ok && unsent === 0;
    },
    { timeout: 20_000, interval: 250 },
  );
  // Re-sent and duplicated messages may still be in the Queue: let them land, then check again.
  await queueDelivered(seed);

  const won = wonByUser(record);
  for (const p of players) {
    const id = game.ids[p.name]!;
    expect([seed, p.name, await balance(userAccount(id))]).toEqual([seed, p.name, won.get(id) ?? 0]);
    const used = record.filter((e) => e.kind === "revival_card" && e.userId === id).length;
    expect([seed, p.name, await cardsOf(id)]).toEqual([seed, p.name, (p.cards ?? 0) - used]);
    // A card holder's escrowed card was either used or given back at the end, exactly once.
    const released = record.filter((e) => e.kind === "revival_release" && e.userId === id).length;
    expect([seed, p.name, used + released]).toEqual([seed, p.name, p.cards === undefined ? 0 : 1]);
  }
  const prizes = record.filter((e) => e.kind === "prize");
  const grants = record.filter((e) => e.kind === "red_packet");
  figures.events = record.length;
  figures.prizeCents = prizes.reduce((s, e) => s + e.amountCents, 0);
  figures.redPacketCents = grants.reduce((s, e) => s + e.amountCents, 0);
  figures.revivals = record.filter((e) => e.kind === "revival_card").length;
  figures.releases = record.filter((e) => e.kind === "revival_release").length;
  expect(figures.prizeCents).toBe(prizes.length > 0 ? pool : 0);
  // With winners the pool is funded and paid out to the cent; without, it is never funded.
  expect(await balance(prizePoolAccount(a))).toBe(0);
  // Every packet paid is the room's packet at that index (its key's last part), derived from the seed.
  const amounts = rainPackets(rain);
  const paid = grants.map((e) => [e.key, e.amountCents]);
  expect(paid).toEqual(grants.map((e) => [e.key, amounts[Number(e.key.split(":").at(-1))]]));
  const rainFunded = grants.length > 0 ? rain.totalCents : 0;
  expect(await balance(rainBudgetAccount(a))).toBe(rainFunded - figures.redPacketCents);
  const counts = await keyCounts([...prizes, ...grants].map((e) => e.key));
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  closeAll(game);
  return figures;
}

describe("seeded games settled through injected faults", () => {
  it(`settles ${SEEDS} seeded games to the cent`, async () => {
    const all: Figures[] = [];
    for (let i = 0; i < SEEDS; i += PARALLEL) {
      const group = Array.from({ length: Math.min(PARALLEL, SEEDS - i) }, (_, j) => `settle-${i + j}`);
      all.push(...(await Promise.all(group.map(runSeed))));
    }
    expect(await sumOfBalances()).toBe(0);
    const total = (k: keyof Omit<Figures, "seed">) => all.reduce((s, f) => s + f[k], 0);
    console.log(
      `settlement-random: ${all.length} seeds ran; ${total("events")} events (${total("prizeCents")} prize cents, ` +
        `${total("redPacketCents")} red-packet cents, ${total("revivals")} revival cards used, ${total("releases")} released), ` +
        `${total("evictions")} evictions, ${total("extraDeliveries")} extra deliveries, ` +
        `${total("failedBatches")} failed consumer batches, ${total("resent")} re-sends; sum of balances 0`,
    );
    expect(all).toHaveLength(SEEDS);
  }, 600_000);
});
