// The invariants every simulated seed must keep (issue 14), checked after it settled. Each failure is a
// Violation with the numbers that disagree; the first one ends the run with the seed's replay command.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { splitPrize } from "../../durable-objects/features/quiz/prize";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import type { RoomSettlementEntry } from "../../durable-objects/features/settlement/record";
import type { LiveRoom } from "../../durable-objects/live-room";
import type { RainConfig } from "../../schema/activity";
import { coinBalance } from "../../schema/queries/coins";
import { prizePoolAccount, userAccount } from "../../workers/ledger/accounts";
import { wonByUser } from "../workers/support/game";
import { balance, keyCounts, sumOfBalances } from "../workers/support/ledger";
import { GRAB_CAP, type SimPlan } from "./plan";
import type { RawClient } from "../workers/support/raw-client";
import { type SimRoom, Violation } from "./room";
import type { Withdrawn } from "./settle";

/** What the show's sockets were told, as it went. */
export interface Observed {
  /** Per question, per option: answers the room answered OK. */
  okCounts: number[][];
  /** Per question: the counts the reveal gave. */
  revealed: number[][];
  seconds: { name: string; q: number; first: string; second: string }[];
  lates: { name: string; q: number; code: string }[];
  /** Per player, per grab id: the cents the room said it granted. */
  grants: Map<string, Map<string, number>>;
  danmaku: Map<string, number>;
  gifts: { name: string; key: string; code: string; coins: number }[];
  /** Per player: every numbered notification over all their sockets, (seq, type). */
  streams: Map<string, [number, number][]>;
  head: number;
  resumed: number;
  /** Replayed notifications a socket had already received live (around a RESUME; the SDK drops them). */
  overlaps: number;
  answers: number;
  grabs: number;
}

export interface CheckInput {
  plan: SimPlan;
  room: SimRoom;
  obs: Observed;
  record: readonly RoomSettlementEntry[];
  withdrawal: Withdrawn | null;
  rain: RainConfig;
  hostId: string;
}

function same(what: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Violation(`${what}: got ${g}, want ${w}`);
}

const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);

/** Quiz: counts are first answers, no second answer counted, no late one. */
async function checkAnswers({ plan, room, obs }: CheckInput): Promise<void> {
  for (let q = 0; q < plan.questions; q++)
    same(`q${q} counts (reveal vs. answers answered OK)`, obs.revealed[q], obs.okCounts[q]);
  for (const s of obs.seconds)
    if (s.first === "OK" && s.second === "OK")
      throw new Violation(`${s.name}: two answers to q${s.q} counted`);
  for (const l of obs.lates)
    if (l.code === "OK") throw new Violation(`${l.name}: a late answer to q${l.q} counted`);
  const seen = new Set<string>();
  for (let k = 0; k < room.shards; k++) {
    const rows = await runInDurableObject(room.stub(k), (_r: LiveRoom, state) =>
      state.storage.sql
        .exec<{ question: number; user_id: string }>("SELECT question, user_id FROM answers")
        .toArray(),
    );
    for (const r of rows) {
      const key = `${r.question}:${r.user_id}`;
      if (seen.has(key)) throw new Violation(`answer ${key} stored twice (shard ${k})`);
      seen.add(key);
    }
  }
}

/**
 * On each socket, the live notifications arrive in increasing order, never twice, and a RESUME's
 * answer is followed by exactly the frames it announced, `from_seq` to `to_seq`. Returns how many
 * replayed frames the socket had already received live (the overlap the SDK drops).
 */
function checkSocket(name: string, c: RawClient): number {
  let live = 0;
  let replay: number[] = [];
  let overlap = 0;
  const seenHere = new Set<number>();
  for (const f of c.frames) {
    if (f.response?.resumed) {
      const from = f.response.resumed.fromSeq ?? 0;
      const to = f.response.resumed.toSeq ?? 0;
      replay = to >= from ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : [];
      continue;
    }
    const seq = f.notification?.roomSeq ?? 0;
    if (seq === 0) continue;
    if (replay.length > 0) {
      const want = replay.shift()!;
      if (seq !== want) throw new Violation(`${name}: a RESUME's replay sent ${seq} where ${want} was due`);
      if (seenHere.has(seq)) overlap += 1;
      seenHere.add(seq);
      live = Math.max(live, seq);
      continue;
    }
    if (seq <= live) throw new Violation(`${name}: live notification ${seq} after ${live} on one socket`);
    live = seq;
    seenHere.add(seq);
  }
  if (replay.length > 0) throw new Violation(`${name}: a RESUME's replay stopped before ${replay[0]}`);
  return overlap;
}

/**
 * Every player, resumed or not, applied 1..head once and in order (as the SDK applies what its
 * sockets received), with the same notifications as every other player; and each socket kept order.
 */
function checkStreams({ obs, room }: CheckInput): void {
  for (const [name, sockets] of room.sockets) for (const c of sockets) obs.overlaps += checkSocket(name, c);
  for (const name of room.sockets.keys())
    if (room.applied(name).hole) throw new Violation(`${name}: notifications held behind a hole`);
  const want = Array.from({ length: obs.head }, (_, i) => i + 1);
  let first: [string, number[]] | null = null;
  for (const [name, stream] of obs.streams) {
    same(
      `${name}'s numbered notifications`,
      stream.map(([s]) => s),
      want,
    );
    const types = stream.map(([, t]) => t);
    if (first === null) first = [name, types];
    else same(`${name}'s notification types vs. ${first[0]}'s`, types, first[1]);
  }
}

/** Money: every key once, every balance what the room says, the pool and the rain never over-granted. */
async function checkMoney({ plan, room, obs, record, withdrawal, rain }: CheckInput): Promise<number> {
  same("record keys unique", new Set(record.map((e) => e.key)).size, record.length);
  const money = record.filter((e) => e.kind === "prize" || e.kind === "red_packet");
  const counts = await keyCounts(money.map((e) => e.key));
  same(
    "ledger keys applied other than once",
    [...counts].filter(([, n]) => n !== 1),
    [],
  );

  const prizes = record.filter((e) => e.kind === "prize");
  const paid = prizes.reduce((s, e) => s + e.amountCents, 0);
  same("prizes paid", paid, prizes.length > 0 ? plan.poolCents : 0);
  const split = splitPrize(
    plan.poolCents,
    prizes.map((e) => e.userId ?? ""),
  );
  same(
    "prize shares",
    Object.fromEntries(prizes.map((e) => [e.userId, e.amountCents])),
    Object.fromEntries(split.shares.map((s) => [s.userId, s.cents])),
  );
  same("prize pool left", await balance(prizePoolAccount(room.activityId)), 0);

  const grants = record.filter((e) => e.kind === "red_packet");
  const amounts = rainPackets(rain);
  const index = (e: RoomSettlementEntry) => Number(e.key.split(":").at(-1));
  same("packets granted twice", grants.length - new Set(grants.map(index)).size, 0);
  for (const e of grants) same(`packet ${index(e)}'s amount`, e.amountCents, amounts[index(e)]);
  const rainPaid = grants.reduce((s, e) => s + e.amountCents, 0);
  if (rainPaid > rain.totalCents) throw new Violation(`rain over-granted: ${rainPaid} > ${rain.totalCents}`);

  const won = wonByUser(record);
  for (const p of plan.players) {
    const id = room.ids.get(p.name)!;
    const mine = grants.filter((e) => e.userId === id).map((e) => e.amountCents);
    if (mine.length > GRAB_CAP) throw new Violation(`${p.name} got ${mine.length} packets, cap ${GRAB_CAP}`);
    same(
      `${p.name}'s packets (told vs. paid)`,
      sorted([...(obs.grants.get(p.name)?.values() ?? [])]),
      sorted(mine),
    );
    const out = withdrawal?.userId === id ? withdrawal.amountCents : 0;
    same(`${p.name}'s balance`, await balance(userAccount(id)), (won.get(id) ?? 0) - out);
  }
  same("sum of balances", await sumOfBalances(), 0);
  return paid + rainPaid + (withdrawal?.amountCents ?? 0);
}

/** Revival cards: each holder's escrowed card used or given back once; the rest still theirs. */
async function checkCards({ plan, room, record }: CheckInput): Promise<void> {
  for (const p of plan.players) {
    if (p.cards === 0) continue;
    const id = room.ids.get(p.name)!;
    const used = record.filter((e) => e.kind === "revival_card" && e.userId === id).length;
    const released = record.filter((e) => e.kind === "revival_release" && e.userId === id).length;
    same(`${p.name}'s card used + released`, used + released, 1);
    const row = await env.DB.prepare("SELECT revival_cards AS n FROM users WHERE id = ?")
      .bind(id)
      .first<{ n: number }>();
    same(`${p.name}'s cards left`, row?.n, p.cards - used);
  }
}

/** Gifts: each key debited once, the host credited exactly what the senders were told. */
async function checkGifts({ plan, room, obs, hostId }: CheckInput): Promise<void> {
  const byKey = new Map<string, number>();
  for (const g of obs.gifts) {
    if (g.code === "INSUFFICIENT_COINS") continue;
    if (g.code !== "OK") throw new Violation(`${g.name}: gift ${g.key} refused ${g.code}`);
    const k = `${g.name}:${g.key}`;
    const before = byKey.get(k);
    if (before !== undefined && before !== g.coins)
      throw new Violation(`gift ${k} told ${before} then ${g.coins}`);
    byKey.set(k, g.coins);
  }
  let total = 0;
  for (const p of plan.players) {
    const sent = [...byKey].filter(([k]) => k.startsWith(`${p.name}:`)).reduce((s, [, c]) => s + c, 0);
    total += sent;
    same(`${p.name}'s coins`, await coinBalance(env.DB, room.ids.get(p.name)!), p.coins - sent);
  }
  same("the host's coins", await coinBalance(env.DB, hostId), total);
  const stats = await room.stats();
  same("the room's gift coins", stats.giftCoins, total);
}

/** Every invariant of one seed; the seed's figures when all hold. */
export async function checkSeed(input: CheckInput): Promise<{ events: number; centsMoved: number }> {
  await checkAnswers(input);
  checkStreams(input);
  const centsMoved = await checkMoney(input);
  await checkCards(input);
  await checkGifts(input);
  const { obs, record } = input;
  const danmaku = [...obs.danmaku.values()].reduce((s, n) => s + n, 0);
  return { events: record.length + obs.answers + obs.grabs + danmaku + obs.gifts.length, centsMoved };
}
