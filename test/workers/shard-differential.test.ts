// Differential: one seeded plan — 220 players, right, wrong, late, double and missing answers,
// revival cards, a red-packet rain and danmaku — played in a one-shard room and in an eight-shard
// room (DESIGN §8). Both must give the same answer codes, per-option counts, winners, shares, packets
// per player, ledger balances less red packets, and numbered notifications, and both must match what
// the rules say from the plan. Which packet a tap takes depends on which shard's slice of the pool it
// draws from (docs/scale.md), so the amounts per player differ by design; each player's ledger balance
// still equals their prize plus exactly the packets the room says they got, and every packet is paid once.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { splitPrize } from "../../durable-objects/features/quiz/prize";
import { randomInt, type Rng, seededRng } from "../../durable-objects/features/rain/prng";
import { HEARTBEAT_TEXT } from "../../durable-objects/protocol/decode";
import { liveroom } from "../../schema/proto";
import { shardOf } from "../../schema/shards";
import { userAccount } from "../../workers/ledger/accounts";
import { reconcile } from "../../workers/settlement/reconcile-run";
import { control, rainOf, roomRecord } from "./support/game";
import { balance } from "./support/ledger";
import {
  advanceClock,
  createActivity,
  createUser,
  RawClient,
  roomStub,
  uniqueId,
} from "./support/raw-client";

const T = liveroom.Type;
const PLAYERS = 220;
const QUESTIONS = 3;
const OPTIONS = 3;
const POOL = 100_003;
// Three windows and their grace stay under a minute of room time: the sweep drops sockets silent that long.
const WINDOW_MS = 10_000;

/** What one player does at one question. */
type Move =
  | { kind: "answer"; option: number; double: boolean }
  | { kind: "late"; option: number }
  | { kind: "none" };

interface PlanPlayer {
  name: string;
  cards: number;
  moves: Move[];
  taps: number;
  danmaku: string | null;
}

function chance(rng: Rng, percent: number): boolean {
  return randomInt(rng, 100) < percent;
}

function plan(seed: string): PlanPlayer[] {
  const rng = seededRng(seed);
  return Array.from({ length: PLAYERS }, (_, i) => ({
    name: `p${String(i).padStart(3, "0")}`,
    cards: chance(rng, 30) ? 1 : 0,
    moves: Array.from({ length: QUESTIONS }, (): Move => {
      const r = randomInt(rng, 100);
      if (r < 8) return { kind: "none" };
      if (r < 14) return { kind: "late", option: randomInt(rng, OPTIONS) };
      // Mostly right (the correct option is 1), so some survive three questions.
      const option = chance(rng, 80) ? 1 : randomInt(rng, OPTIONS);
      return { kind: "answer", option, double: chance(rng, 10) };
    }),
    taps: randomInt(rng, 5),
    danmaku: chance(rng, 10) ? `hello from ${i}` : null,
  }));
}

/** What the rules say the plan gives, computed here without a room. */
function expected(players: readonly PlanPlayer[]) {
  const alive = new Map(players.map((p) => [p.name, true]));
  const card = new Map(players.map((p) => [p.name, p.cards > 0]));
  const counts: number[][] = [];
  for (let q = 0; q < QUESTIONS; q++) {
    const c = new Array<number>(OPTIONS).fill(0);
    for (const p of players) {
      if (!alive.get(p.name)) continue;
      const m = p.moves[q]!;
      if (m.kind === "answer") c[m.option]! += 1;
      if (m.kind === "answer" && m.option === 1) continue;
      // No answer to the first question: never in the game, so no card is spent on them.
      if (q === 0 && m.kind !== "answer") alive.set(p.name, false);
      else if (card.get(p.name)) card.set(p.name, false);
      else alive.set(p.name, false);
    }
    counts.push(c);
  }
  const winners = players.filter((p) => alive.get(p.name)).map((p) => p.name);
  return { counts, winners };
}

interface RunResult {
  codes: Record<string, string[]>;
  counts: number[][];
  gameOver: { winners: number; baseShareCents: number; remainder: number };
  prizes: Record<string, number>;
  /** Red packets each player got (how many; the amounts depend on the shard's slice). */
  grants: Record<string, number>;
  /** Every packet granted, by index: each once. */
  packets: number[];
  /** Each player's ledger balance less the red packets the room says they got: their prize. */
  balancesLessPackets: Record<string, number>;
  /** The numbered notifications every socket received, as (seq, type); the same for every socket. */
  stream: [number, number][];
  /**
   * The stream's types without THROTTLE: a THROTTLE follows the pool as the coordinator hands it out,
   * one packet at a time in one shard, in slices across eight, so how many there are differs by design.
   */
  events: number[];
  /** What a RESUME from 0 on one socket replays, as (seq, type). */
  resumed: [number, number][];
}

/** The numbered notifications among frames, as (seq, type). */
const numbered = (frames: readonly liveroom.Frame[]) =>
  frames
    .filter((f) => (f.notification?.roomSeq ?? 0) > 0)
    .map((f): [number, number] => [f.notification!.roomSeq!, f.type]);

const codeOf = (r: liveroom.Response) =>
  r.status === liveroom.Status.OK ? "OK" : (liveroom.Code[r.code] ?? String(r.code));

async function play(players: readonly PlanPlayer[], shards: number): Promise<RunResult> {
  const activity = await createActivity({
    questions: Array.from({ length: QUESTIONS }, (_, i) => ({
      text: `q${i}`,
      options: ["a", "b", "c"],
      correct: 1,
    })),
    prizePoolCents: POOL,
    answerWindowMs: WINDOW_MS,
    rains: [rainOf(9_000, 150, "differential")],
    shards,
  });
  const a = activity.id;
  const prefix = uniqueId("dp");
  const id = (name: string) => `${prefix}-${name}`;
  const clients = new Map<string, RawClient>();
  for (let i = 0; i < players.length; i += 20) {
    await Promise.all(
      players.slice(i, i + 20).map(async (p) => {
        await createUser(id(p.name), p.cards);
        clients.set(p.name, await RawClient.join(a, id(p.name)));
      }),
    );
  }
  if (shards > 1) {
    // Every shard holds some of the players.
    const used = new Set(players.map((p) => shardOf(id(p.name), shards)));
    expect(used.size).toBe(shards);
  }
  // The coordinator knows every shard's audience before the rain's throttle is computed from it.
  await vi.waitUntil(
    async () => {
      const s = await roomStub(a).control(a, { kind: "stats" });
      return s.ok && s.stats.online === PLAYERS;
    },
    { timeout: 10_000, interval: 50 },
  );
  const codes: Record<string, string[]> = Object.fromEntries(players.map((p) => [p.name, []]));
  await control(a, { kind: "open" });

  await control(a, { kind: "startRain", rain: 0, streamTsMs: 0 });
  for (const p of players) {
    for (let t = 0; t < p.taps; t++) {
      const res = await clients.get(p.name)!.request(T.GRAB, { grab: { rain: 0, grabId: `g${t}` } });
      codes[p.name]!.push(`grab:${codeOf(res)}`);
    }
  }
  for (const p of players) {
    if (p.danmaku === null) continue;
    const res = await clients.get(p.name)!.request(T.DANMAKU, { danmaku: { text: p.danmaku } });
    codes[p.name]!.push(`danmaku:${codeOf(res)}`);
  }

  const counts: number[][] = [];
  for (let q = 0; q < QUESTIONS; q++) {
    await control(a, { kind: "push", question: q, streamTsMs: 0 });
    await Promise.all(
      players.map(async (p) => {
        const m = p.moves[q]!;
        if (m.kind !== "answer") return;
        const c = clients.get(p.name)!;
        codes[p.name]!.push(`q${q}:${codeOf(await c.answer(q, m.option))}`);
        if (m.double)
          codes[p.name]!.push(`q${q}again:${codeOf(await c.answer(q, (m.option + 1) % OPTIONS))}`);
      }),
    );
    // Sockets that say nothing for a minute of room time are dropped: every client beats first.
    await Promise.all(
      [...clients.values()].map(async (c) => {
        const n = c.texts.length;
        c.sendRaw(HEARTBEAT_TEXT);
        await vi.waitUntil(() => c.texts.length > n, { timeout: 5_000 });
      }),
    );
    await advanceClock(a, WINDOW_MS + 1_000);
    for (const p of players) {
      const m = p.moves[q]!;
      if (m.kind !== "late") continue;
      const lc = clients.get(p.name)!;
      if (lc.closed !== null) throw new Error(`closed ${JSON.stringify(lc.closed)} ${p.name} q${q}`);
      codes[p.name]!.push(`q${q}late:${codeOf(await lc.answer(q, m.option))}`);
    }
    const revealed = await roomStub(a).control(a, { kind: "reveal", question: q, streamTsMs: 0 });
    if (!revealed.ok) throw new Error(`reveal ${q}: ${revealed.codeName}`);
    counts.push(revealed.stats.counts);
  }
  await control(a, { kind: "end" });

  // Every socket got the same numbered notifications, GAME_OVER last.
  const last = clients.get(players[0]!.name)!;
  const over = await last.waitForNotification((n) => n.gameOver != null);
  const streams = await Promise.all(
    players.map(async (p) => {
      const c = clients.get(p.name)!;
      await c.waitForNotification((n) => n.gameOver != null);
      return numbered(c.frames);
    }),
  );
  for (const s of streams) expect(s).toEqual(streams[0]);

  // RESUME from the start on one socket replays the same stream.
  const before = last.frames.length;
  const resumedAnswer = await last.request(T.RESUME, { resume: { afterSeq: 0 } });
  expect(codeOf(resumedAnswer)).toBe("OK");
  await vi.waitUntil(() => last.frames.length - before > streams[0]!.length, { timeout: 5_000 });
  const resumed = numbered(last.frames.slice(before));

  // Everything settles: every shard's outbox reaches the ledger exactly once.
  await vi.waitUntil(
    async () => {
      const report = await reconcile(env, { activityIds: [a], repair: false, nowMs: Date.now() });
      const unsent = (await roomRecord(a)).filter((e) => e.sentMs === null).length;
      return report.activities[0]!.ok && unsent === 0;
    },
    { timeout: 30_000, interval: 250 },
  );
  const record = await roomRecord(a);
  const byName = new Map(players.map((p) => [id(p.name), p.name]));
  const prizes: Record<string, number> = {};
  const amounts: Record<string, number[]> = {};
  const packets: number[] = [];
  for (const e of record) {
    const name = byName.get(e.userId ?? "");
    if (name === undefined) continue;
    if (e.kind === "prize") prizes[name] = e.amountCents;
    if (e.kind === "red_packet") {
      amounts[name] = [...(amounts[name] ?? []), e.amountCents];
      packets.push(Number(e.key.split(":").at(-1)));
    }
  }
  const balancesLessPackets: Record<string, number> = {};
  for (const p of players) {
    const paid = (amounts[p.name] ?? []).reduce((n, c) => n + c, 0);
    balancesLessPackets[p.name] = (await balance(userAccount(id(p.name)))) - paid;
  }
  const grants = Object.fromEntries(Object.entries(amounts).map(([name, a]) => [name, a.length]));
  for (const c of clients.values()) c.close();
  // Every shard has told the coordinator its sockets left: no call between the objects outlives the test.
  await vi.waitUntil(
    async () => {
      const s = await roomStub(a).control(a, { kind: "stats" });
      return s.ok && s.stats.online === 0;
    },
    { timeout: 10_000, interval: 50 },
  );
  const g = over.gameOver!;
  return {
    codes,
    counts,
    gameOver: {
      winners: g.winners ?? 0,
      baseShareCents: Number(g.baseShareCents),
      remainder: g.remainder ?? 0,
    },
    prizes,
    grants,
    packets: packets.sort((x, y) => x - y),
    balancesLessPackets,
    stream: streams[0]!,
    events: streams[0]!.map(([, type]) => type).filter((type) => type !== T.THROTTLE),
    resumed,
  };
}

describe("one room, one shard or eight", () => {
  it("plays one seeded plan to the same result, and the result the rules give", async () => {
    const players = plan("shard-differential");
    const one = await play(players, 1);
    const eight = await play(players, 8);

    const want = expected(players);
    expect(one.counts).toEqual(want.counts);
    const split = splitPrize(POOL, want.winners);
    expect(one.prizes).toEqual(Object.fromEntries(split.shares.map((s) => [s.userId, s.cents])));
    expect(one.gameOver).toEqual({
      winners: want.winners.length,
      baseShareCents: split.baseShareCents,
      remainder: split.remainder,
    });
    expect(Object.values(one.prizes).reduce((s, c) => s + c, 0)).toBe(POOL);
    // Every packet of the rain paid once, no player over the cap of 3; the ledger is the room's prizes.
    expect(one.packets).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(Math.max(...Object.values(one.grants))).toBe(3);
    expect(one.balancesLessPackets).toEqual(
      Object.fromEntries(players.map((p) => [p.name, one.prizes[p.name] ?? 0])),
    );
    expect(one.resumed).toEqual(one.stream);
    expect(eight.resumed).toEqual(eight.stream);
    // Numbered 1..n without a gap in both rooms.
    for (const r of [one, eight]) expect(r.stream.map(([seq]) => seq)).toEqual(r.stream.map((_, i) => i + 1));

    const { stream: _one, resumed: _r1, ...sameOne } = one;
    const { stream: _eight, resumed: _r8, ...sameEight } = eight;
    expect(sameEight).toEqual(sameOne);
  }, 240_000);
});
