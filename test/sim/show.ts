// One seed of the fault simulation (issue 14): the planned show played on a sharded room inside
// workerd — rain, danmaku, gifts, questions with right, wrong, double and late answers, revival cards,
// the end, settlement through the real Queue and through replayed deliveries, a withdrawal — with the
// plan's faults at their points; then every invariant (check.ts). Figures for the summary table.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { LiveRoom } from "../../durable-objects/live-room";
import type { RainConfig } from "../../schema/activity";
import { liveroom } from "../../schema/proto";
import { grantCoins } from "../../schema/queries/coins";
import { setActivityHost, upsertGift } from "../../schema/queries/gifts";
import { rainOf } from "../workers/support/game";
import { createActivity, createUser } from "../workers/support/raw-client";
import { checkSeed, type Observed } from "./check";
import {
  type FaultKind,
  GIFT_PRICE,
  GRAB_CAP,
  OPTIONS,
  type Point,
  planShow,
  type SimPlan,
  WINDOW_MS,
} from "./plan";
import { deliverLate, type QueueFigures, replayOutbox } from "./queue";
import { codeOf, SimRoom, Violation } from "./room";
import { settle, withdraw } from "./settle";

const T = liveroom.Type;
/** Rounds of grab taps (a player taps in the first `taps` of them). */
const TAP_ROUNDS = 5;
const RAIN_MS = 60_000;

export interface SeedFigures {
  seed: number;
  shards: number;
  players: number;
  faults: Partial<Record<FaultKind, number>>;
  refusals: number;
  /** Players who came back with a RESUME, and replayed notifications their socket already had live. */
  resumes: number;
  overlaps: number;
  events: number;
  centsMoved: number;
  ms: number;
  /** Wall time of the show (to every socket closed), the replayed deliveries, and the settling. */
  phases: { showMs: number; replayMs: number; settleMs: number; marks: string };
}

/** Plays seed `seed` on a room of `shards` shards; throws a Violation naming what broke. */
export async function runSeed(seed: number, shards: number, tag = "sim"): Promise<SeedFigures> {
  const started = Date.now();
  const plan = planShow(seed, shards);
  const prefix = `${tag}-${seed}-${shards}`;
  const ids = new Map(plan.players.map((p) => [p.name, `${prefix}-${p.name}`]));
  const hostId = `${prefix}-host`;
  const rain = rainOf(plan.rain.totalCents, plan.rain.count, prefix);
  const activity = await createActivity({
    id: prefix,
    questions: Array.from({ length: plan.questions }, (_, i) => ({
      text: `q${i}`,
      options: ["a", "b", "c"],
      correct: 1,
    })),
    prizePoolCents: plan.poolCents,
    answerWindowMs: WINDOW_MS,
    rains: [{ ...rain, durationMs: RAIN_MS }],
    grabCap: GRAB_CAP,
    shards,
  });
  const a = activity.id;
  await upsertGift(env.DB, { id: "rose", name: "Rose", priceCoins: GIFT_PRICE, enabled: true }, Date.now());
  await setActivityHost(env.DB, a, hostId, Date.now());
  for (const p of plan.players) {
    if (p.cards > 0) await createUser(ids.get(p.name)!, p.cards);
    if (p.coins > 0) await grantCoins(env.DB, ids.get(p.name)!, p.coins, `${prefix}-${p.name}`, Date.now());
  }
  const room = new SimRoom(a, shards, ids);
  try {
    return await play(plan, room, { a, ids, hostId, rain, started });
  } catch (err) {
    const trace = room.trace.length > 0 ? ` [faults: ${room.trace.join(" | ")}]` : "";
    if (err instanceof Violation) throw new Violation(`${err.message}${trace}`);
    throw new Error(`${String(err)}${trace}`);
  }
}

interface Setup {
  a: string;
  ids: Map<string, string>;
  hostId: string;
  rain: RainConfig;
  started: number;
}

async function play(
  plan: SimPlan,
  room: SimRoom,
  { ids, hostId, rain, started }: Setup,
): Promise<SeedFigures> {
  const { seed, shards } = plan;
  const obs: Observed = newObserved(plan);
  const at = (point: Point) => plan.faults[point] ?? [];

  for (let i = 0; i < plan.players.length; i += 10)
    await Promise.all(plan.players.slice(i, i + 10).map((p) => room.join(p.name)));
  await room.until(
    "every socket counted online",
    async () => (await room.stats()).online === plan.players.length,
  );
  await room.strike("lobby", at("lobby"), () => room.control({ kind: "open" }));
  await room.heal();

  // The rain: rounds of taps, faults between them, a retried grab id, the end on time.
  await room.control({ kind: "startRain", rain: 0, streamTsMs: 0 });
  await room.heal();
  for (let r = 0; r < TAP_ROUNDS; r++) {
    const round = () =>
      Promise.all(plan.players.filter((p) => p.taps > r).map((p) => tap(room, obs, p.name, r)));
    if (r !== 2) {
      await round();
      continue;
    }
    // Mid-rain: the evictions strike while this round's taps are in flight.
    await room.strike("rain-mid", at("rain-mid"), round, () => room.rejoin());
    // A lost answer's retry: the same grab id gets the same grant, never a second one.
    const retry = plan.players.find((p) => p.taps > 0);
    if (retry !== undefined) await tap(room, obs, retry.name, 0);
  }
  await room.strike("rain-end", at("rain-end"), async () => {
    await room.advance(RAIN_MS);
    await runDurableObjectAlarm(room.stub(0));
  });
  await room.heal();

  // Danmaku and gifts, all at once.
  await room.rejoin();
  await Promise.all(
    plan.players.map(async (p) => {
      for (const text of p.danmaku) {
        const res = await room.client(p.name).request(T.DANMAKU, { danmaku: { text } });
        obs.danmaku.set(codeOf(res), (obs.danmaku.get(codeOf(res)) ?? 0) + 1);
      }
      for (const g of p.gifts) {
        const res = await room
          .client(p.name)
          .request(T.GIFT, { gift: { giftId: "rose", quantity: g.quantity, key: g.key } });
        obs.gifts.push({ name: p.name, key: g.key, code: codeOf(res), coins: Number(res.gift?.coins ?? 0) });
      }
    }),
  );

  for (let q = 0; q < plan.questions; q++) await playQuestion(plan, room, obs, q);

  await room.strike("end", at("end"), () => room.control({ kind: "end" }));
  obs.head = await room.heal();
  for (const name of plan.players.map((p) => p.name)) obs.streams.set(name, room.applied(name).delivered);
  obs.resumed = room.resumed.size;
  await room.closeAll();
  const showMs = Date.now() - started;

  // Settlement: the real Queue, and beside it the outbox replayed with faults; then a withdrawal and
  // the held-back deliveries.
  const qf: QueueFigures = { deliveries: 0, duplicates: 0, d1Failures: 0, throws: 0, delayed: 0 };
  const bodies = await outboxBodies(room);
  const late = await replayOutbox(bodies, plan.queue, qf);
  const replayMs = Date.now() - started - showMs;
  const record = await settle(room, plan);
  const settleMs = Date.now() - started - showMs - replayMs;
  const w = await withdraw(plan, ids, record);
  await deliverLate(late, qf);
  room.count("queue-duplicate", qf.duplicates);
  room.count("queue-delayed", qf.delayed);
  room.count("queue-throw", qf.throws);
  room.count("d1-batch-fail", qf.d1Failures);

  const figures = await checkSeed({ plan, room, obs, record, withdrawal: w, rain, hostId });
  return {
    seed,
    shards,
    players: plan.players.length,
    faults: Object.fromEntries(room.faults),
    refusals: room.refusals,
    resumes: obs.resumed,
    overlaps: obs.overlaps,
    events: figures.events,
    centsMoved: figures.centsMoved,
    ms: Date.now() - started,
    phases: { showMs, replayMs, settleMs, marks: room.marks.join(" ") },
  };
}

function newObserved(plan: SimPlan): Observed {
  return {
    okCounts: Array.from({ length: plan.questions }, () => new Array<number>(OPTIONS).fill(0)),
    revealed: [],
    seconds: [],
    lates: [],
    grants: new Map(),
    danmaku: new Map(),
    gifts: [],
    streams: new Map(),
    head: 0,
    resumed: 0,
    overlaps: 0,
    answers: 0,
    grabs: 0,
  };
}

async function tap(room: SimRoom, obs: Observed, name: string, round: number): Promise<void> {
  const res = await room.client(name).request(T.GRAB, { grab: { rain: 0, grabId: `g${round}` } });
  obs.grabs += 1;
  const code = codeOf(res);
  if (code === "OK") {
    const byId = obs.grants.get(name) ?? new Map<string, number>();
    const cents = Number(res.grab!.amountCents);
    const before = byId.get(`g${round}`);
    if (before !== undefined && before !== cents)
      throw new Violation(`${name}: grab id g${round} granted ${before} then ${cents}`);
    byId.set(`g${round}`, cents);
    obs.grants.set(name, byId);
  } else if (!["CAP_REACHED", "NONE_LEFT", "RAIN_ENDED", "THROTTLED"].includes(code)) {
    throw new Violation(`${name}: grab g${round} refused ${code}`);
  }
}

async function answer(
  room: SimRoom,
  obs: Observed,
  name: string,
  q: number,
  option: number,
): Promise<string> {
  obs.answers += 1;
  const code = codeOf(await room.client(name).answer(q, option));
  if (code === "OK") obs.okCounts[q]![option]! += 1;
  return code;
}

async function playQuestion(plan: SimPlan, room: SimRoom, obs: Observed, q: number): Promise<void> {
  const at = (point: Point) => plan.faults[point] ?? [];
  await room.strike(`q${q}-push`, at(`q${q}-push`), () =>
    room.control({ kind: "push", question: q, streamTsMs: 0 }),
  );
  await room.heal();
  const answering = (early: boolean) =>
    Promise.all(
      plan.players.map(async (p) => {
        const m = p.moves[q]!;
        if (m.kind !== "answer" || m.early !== early) return;
        const first = await answer(room, obs, p.name, q, m.option);
        if (m.double) {
          const second = await answer(room, obs, p.name, q, (m.option + 1) % OPTIONS);
          obs.seconds.push({ name: p.name, q, first, second });
        }
      }),
    );
  await answering(true);
  // Mid-question: the evictions strike while the second half's answers are in flight.
  await room.strike(
    `q${q}-mid`,
    at(`q${q}-mid`),
    () => answering(false),
    () => room.rejoin(),
  );
  // The window and its grace pass on the room's clock; the close runs from the coordinator's alarm.
  await room.advance(WINDOW_MS + 1_000);
  await runDurableObjectAlarm(room.stub(0));
  await room.strike(
    `q${q}-late`,
    at(`q${q}-late`),
    async () => undefined,
    () => room.rejoin(),
  );
  await room.rejoin();
  await Promise.all(
    plan.players.map(async (p) => {
      const m = p.moves[q]!;
      if (m.kind !== "late") return;
      obs.lates.push({ name: p.name, q, code: await answer(room, obs, p.name, q, m.option) });
    }),
  );
  const stats = await room.strike(`q${q}-reveal`, at(`q${q}-reveal`), () =>
    room.control({ kind: "reveal", question: q, streamTsMs: 0 }),
  );
  obs.revealed.push(stats?.counts ?? []);
  await room.heal();
}

/** Every shard's outbox bodies, as the rooms would send them. */
async function outboxBodies(room: SimRoom): Promise<unknown[]> {
  const all: unknown[] = [];
  for (let k = 0; k < room.shards; k++) {
    const rows = await runInDurableObject(room.stub(k), (_r: LiveRoom, state) =>
      state.storage.sql
        .exec<{ body: string }>("SELECT body FROM outbox ORDER BY key")
        .toArray()
        .map((r) => JSON.parse(r.body) as unknown),
    );
    all.push(...rows);
  }
  return all;
}
