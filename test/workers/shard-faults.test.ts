// Faults in a room split into shards (DESIGN §8, issue 11): shards and the coordinator evicted
// mid-question, mid-reveal and mid-rain, a coordinator → shard call failing once (the test-only
// `failNextCall`), and bad input on every shard. Whatever happens, every accepted answer is counted
// once, every connected socket sees every numbered notification once and in order, and money is exact.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it, vi } from "vitest";
import { splitPrize } from "../../durable-objects/features/quiz/prize";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { CATCHUP_RETRY_MS } from "../../durable-objects/kernel/shard-net";
import type { LiveRoom } from "../../durable-objects/live-room";
import { HEARTBEAT_TEXT } from "../../durable-objects/protocol/decode";
import type { RoomSettlementEntry } from "../../durable-objects/features/settlement/record";
import { liveroom } from "../../schema/proto";
import { shardOf } from "../../schema/shards";
import { userAccount } from "../../workers/ledger/accounts";
import { reconcile } from "../../workers/settlement/reconcile-run";
import { control, rainOf, roomRecord } from "./support/game";
import { balance, keyCounts } from "./support/ledger";
import {
  advanceClock,
  createActivity,
  createUser,
  RawClient,
  roomStub,
  shardStub,
  shardStubs,
  token,
  uniqueId,
  usersByShard,
} from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;

/** The numbered notifications a socket received, as (seq, type), in arrival order. */
const numbered = (c: RawClient) =>
  c.frames
    .filter((f) => (f.notification?.roomSeq ?? 0) > 0)
    .map((f): [number, number] => [f.notification!.roomSeq!, f.type]);

const codeOf = (r: liveroom.Response) => (r.status === OK ? "OK" : (C[r.code] ?? String(r.code)));

/** Waits until every client received `seqs` numbered notifications (a bounded wait: real delivery). */
async function untilSeq(clients: readonly RawClient[], seq: number): Promise<void> {
  await vi.waitUntil(() => clients.every((c) => numbered(c).some(([s]) => s === seq)), {
    timeout: 10_000,
    interval: 20,
  });
}

/** Evicts an object; a stub whose object is not running is already as good as evicted. */
async function evict(stub: DurableObjectStub<LiveRoom>): Promise<void> {
  try {
    await evictDurableObject(stub);
  } catch (err) {
    if (!String(err).includes("not")) throw err;
  }
}

async function stats(activityId: string) {
  const r = await roomStub(activityId).control(activityId, { kind: "stats" });
  if (!r.ok) throw new Error(`stats: ${r.codeName}`);
  return r.stats;
}

/** Every client beats once, so the sweep keeps them while the room's clock moves forward. */
async function beat(clients: readonly RawClient[]): Promise<void> {
  await Promise.all(
    clients.map(async (c) => {
      const n = c.texts.length;
      c.sendRaw(HEARTBEAT_TEXT);
      await vi.waitUntil(() => c.texts.length > n, { timeout: 5_000 });
    }),
  );
}

/** Waits until every shard's outbox reached the ledger and reconciliation agrees; the room's record. */
async function settled(activityId: string): Promise<RoomSettlementEntry[]> {
  await vi.waitUntil(
    async () => {
      const report = await reconcile(env, { activityIds: [activityId], repair: false, nowMs: Date.now() });
      const unsent = (await roomRecord(activityId)).filter((e) => e.sentMs === null).length;
      return report.activities[0]!.ok && unsent === 0;
    },
    { timeout: 30_000, interval: 250 },
  );
  const record = await roomRecord(activityId);
  // Each settlement key once in the room's record and once in the ledger.
  expect(new Set(record.map((e) => e.key)).size).toBe(record.length);
  const money = record.filter((e) => e.kind === "prize" || e.kind === "red_packet").map((e) => e.key);
  const counts = await keyCounts(money);
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  return record;
}

/** Checks the prizes against the split of `pool` among `winners`, to the cent, record and ledger. */
async function expectPrizes(
  record: readonly RoomSettlementEntry[],
  pool: number,
  winners: readonly string[],
  clients: ReadonlyMap<string, RawClient>,
): Promise<void> {
  const split = splitPrize(pool, [...winners]);
  const want = Object.fromEntries(split.shares.map((s) => [s.userId, s.cents]));
  const paid = Object.fromEntries(
    record.filter((e) => e.kind === "prize").map((e) => [e.userId ?? "", e.amountCents]),
  );
  expect(paid).toEqual(want);
  expect(Object.values(paid).reduce((s, c) => s + c, 0)).toBe(pool);
  for (const [userId, cents] of Object.entries(want)) {
    expect([userId, await balance(userAccount(userId))]).toEqual([userId, cents]);
    // The winner's socket (wherever its shard) got its PRIZE once.
    const c = clients.get(userId);
    if (c === undefined) continue;
    await vi.waitUntil(() => c.frames.some((f) => f.notification?.prize), { timeout: 10_000 });
    const prizes = c.frames.filter((f) => f.type === T.PRIZE).map((f) => f.notification!.prize!.cents);
    expect([userId, prizes]).toEqual([userId, [cents]]);
  }
}

// ---------------------------------------------------------------------------------------------

describe("a sharded room evicted mid-game", () => {
  it("mid-question, mid-reveal, and with its coordinator evicted: nothing lost, nothing twice", async () => {
    const N = 4;
    const POOL = 100_003;
    const activity = await createActivity({
      questions: [
        { text: "q0", options: ["a", "b", "c"], correct: 1 },
        { text: "q1", options: ["a", "b"], correct: 0 },
      ],
      prizePoolCents: POOL,
      answerWindowMs: 20_000,
      shards: N,
    });
    const a = activity.id;
    const byShard = usersByShard(uniqueId("ev"), N, 4);
    const users = byShard.flat();
    // Shard 2's user 1 holds a revival card: it saves them from their wrong answer to q0, after shard 2's eviction.
    const cardHolder = byShard[2]![1]!;
    await createUser(cardHolder, 1);
    const clients = new Map<string, RawClient>();
    for (const u of users) clients.set(u, await RawClient.join(a, u));
    const on = (k: number, i: number) => clients.get(byShard[k]![i]!)!;
    const everyone = () => [...clients.values()];
    await vi.waitUntil(async () => (await stats(a)).online === users.length, { timeout: 10_000 });
    await control(a, { kind: "open" });
    await control(a, { kind: "push", question: 0, streamTsMs: 0 });
    await untilSeq(everyone(), 2);

    // q0: each user's option; the right one is 1. Shard k's user i answers (i + k) % 3 unless i is 0.
    const q0 = (k: number, i: number) => (i === 0 ? 1 : (i + k) % 3);
    const answer0 = async (k: number, i: number) => codeOf(await on(k, i).answer(0, q0(k, i)));
    // Some answers on every shard, then shard 2 evicted mid-question.
    for (let k = 0; k < N; k++) expect(await answer0(k, 0)).toBe("OK");
    await evict(shardStub(a, 2));
    // The answer taken before the eviction still stands, once; the rest of shard 2 answers.
    expect(codeOf(await on(2, 0).answer(0, 0))).toBe("ALREADY_ANSWERED");
    for (const i of [1, 2, 3]) expect(await answer0(2, i)).toBe("OK");
    // The coordinator evicted mid-question: its own players and shard 3's answer after it.
    await evict(roomStub(a));
    for (const i of [1, 2, 3]) expect(await answer0(0, i)).toBe("OK");
    expect(codeOf(await on(0, 0).answer(0, 2))).toBe("ALREADY_ANSWERED");
    // Shard 1 evicted while its players' answers are in flight.
    const burst = await Promise.all([
      ...[1, 2, 3].map((i) => answer0(1, i)),
      evict(shardStub(a, 1)).then(() => "evicted"),
    ]);
    expect(burst).toEqual(["OK", "OK", "OK", "evicted"]);
    for (const i of [1, 2]) expect(await answer0(3, i)).toBe("OK");
    // Shard 3's user 3 never answers q0: out.
    const counts0 = [0, 0, 0];
    for (let k = 0; k < N; k++)
      for (let i = 0; i < 4; i++) if (!(k === 3 && i === 3)) counts0[q0(k, i)]! += 1;
    expect((await stats(a)).counts).toEqual(counts0);

    // Reveal q0 while shard 3 (and then the coordinator's other shards) are evicted during the gather.
    const [revealed0] = await Promise.all([
      roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 }),
      evict(shardStub(a, 3)),
      evict(shardStub(a, 2)),
    ]);
    expect(revealed0.ok && revealed0.stats.counts).toEqual(counts0);
    await untilSeq(everyone(), 3);
    for (const c of everyone()) {
      const r = c.notifications().find((n) => n.reveal != null)!.reveal!;
      expect(r.counts).toEqual(counts0);
    }
    // Answers after the reveal are refused on every shard, counted nowhere.
    expect(codeOf(await on(3, 3).answer(0, 1))).toBe("TOO_LATE");

    const alive = new Set<string>();
    for (let k = 0; k < N; k++)
      for (let i = 0; i < 4; i++) {
        const u = byShard[k]![i]!;
        if ((q0(k, i) === 1 && !(k === 3 && i === 3)) || u === cardHolder) alive.add(u);
      }
    // One survivor of q0 on shard 1 never answers q1, and tries only after shard 1 closed it.
    const skipper = byShard[1]![3]!;
    expect(alive.has(skipper)).toBe(true);
    // One survivor of q0 on shard 2 leaves now and comes back after the end with a RESUME.
    const leaver = [...alive].find((u) => shardOf(u, N) === 2)!;
    const leaverSeen = numbered(clients.get(leaver)!);
    clients.get(leaver)!.close();
    clients.delete(leaver);

    await control(a, { kind: "push", question: 1, streamTsMs: 0 });
    await untilSeq(everyone(), 4);
    // q1: survivors answer; the right option is 0; shard 0's survivors answer wrong.
    const q1 = (u: string) => (shardOf(u, N) === 0 ? 1 : 0);
    const counts1 = [0, 0];
    for (const u of alive) {
      if (u === skipper) continue;
      counts1[q1(u)]! += 1;
      if (u === leaver) {
        // Its answer arrives over a fresh socket, the old one gone.
        const back = await RawClient.join(a, u);
        expect(codeOf(await back.answer(1, q1(u)))).toBe("OK");
        back.close();
        continue;
      }
      expect(codeOf(await clients.get(u)!.answer(1, q1(u)))).toBe("OK");
    }
    // Mid-reveal, deterministically: shard 1 closes and counts for the reveal, then misses the
    // ANSWER_REVEALED delivery and is evicted before anything reaches it.
    await shardStub(a, 1).failNextCall("deliver");
    const revealed1 = await roomStub(a).control(a, { kind: "reveal", question: 1, streamTsMs: 0 });
    expect(revealed1.ok && revealed1.stats.counts).toEqual(counts1);
    await evict(shardStub(a, 1));
    // Shard 1 closed q1 when it was counted: a late answer there is refused and never counted.
    expect(codeOf(await clients.get(skipper)!.answer(1, 0))).toBe("TOO_LATE");
    // The coordinator's catch-up task brings shard 1 the reveal it missed.
    await beat(everyone());
    await advanceClock(a, CATCHUP_RETRY_MS);
    await runDurableObjectAlarm(roomStub(a));
    await untilSeq(everyone(), 5);

    await control(a, { kind: "end" });
    await untilSeq(everyone(), 6);
    const want: [number, number][] = [
      [1, T.ROOM_OPENED],
      [2, T.QUESTION],
      [3, T.ANSWER_REVEALED],
      [4, T.QUESTION],
      [5, T.ANSWER_REVEALED],
      [6, T.GAME_OVER],
    ];
    for (const [u, c] of clients) expect([u, numbered(c)]).toEqual([u, want]);
    for (const c of everyone()) {
      const reveals = c.notifications().filter((n) => n.reveal != null);
      expect(reveals.map((n) => n.reveal!.counts)).toEqual([counts0, counts1]);
    }

    // The leaver reconnects to its shard and resumes after what it saw: the rest, once, in order.
    const back = await RawClient.join(a, leaver);
    clients.set(leaver, back);
    const lastSeen = leaverSeen.at(-1)![0];
    const resumed = await back.request(T.RESUME, { resume: { afterSeq: lastSeen } });
    expect(resumed.resumed).toMatchObject({ fromSeq: lastSeen + 1, toSeq: 6, gap: false });
    await untilSeq([back], 6);
    expect([...leaverSeen, ...numbered(back)]).toEqual(want);

    const winners = [...alive].filter((u) => u !== skipper && q1(u) === 0);
    const over = (await on(0, 0).waitForNotification((n) => n.gameOver != null)).gameOver!;
    const split = splitPrize(POOL, winners);
    expect(over).toMatchObject({
      winners: winners.length,
      baseShareCents: split.baseShareCents,
      remainder: split.remainder,
    });
    const record = await settled(a);
    // The card was spent once, for q0, and is gone from the holder's balance; no other card moved.
    expect(
      record
        .filter((e) => e.kind === "revival_card" || e.kind === "revival_release")
        .map((e) => [e.kind, e.userId]),
    ).toEqual([["revival_card", cardHolder]]);
    const cards = await env.DB.prepare("SELECT revival_cards AS n FROM users WHERE id = ?")
      .bind(cardHolder)
      .first<{ n: number }>();
    expect(cards?.n).toBe(0);
    // The leaver's socket was closed when the prizes went out: its prize is in the record and the ledger.
    await expectPrizes(record, POOL, winners, new Map([...clients].filter(([u]) => u !== leaver)));
    for (const c of clients.values()) c.close();
  }, 90_000);

  it("a shard evicted with its sockets closed (as a deploy does): its clients reconnect and resume", async () => {
    const N = 3;
    const POOL = 999;
    const activity = await createActivity({
      questions: [{ text: "q0", options: ["a", "b"], correct: 1 }],
      prizePoolCents: POOL,
      answerWindowMs: 20_000,
      shards: N,
    });
    const a = activity.id;
    const byShard = usersByShard(uniqueId("dep"), N, 3);
    const clients = new Map<string, RawClient>();
    for (const u of byShard.flat()) clients.set(u, await RawClient.join(a, u));
    await control(a, { kind: "open" });
    await control(a, { kind: "push", question: 0, streamTsMs: 0 });
    await untilSeq([...clients.values()], 2);
    // Shard 1's first player answers before the eviction, its second after, its third never.
    const [s1a, s1b, s1c] = byShard[1] as [string, string, string];
    expect(codeOf(await clients.get(s1a)!.answer(0, 1))).toBe("OK");
    const seen = new Map(byShard[1]!.map((u) => [u, numbered(clients.get(u)!)]));
    await evictDurableObject(shardStub(a, 1), { webSockets: "close" });
    await vi.waitUntil(() => byShard[1]!.every((u) => clients.get(u)!.closed !== null), { timeout: 10_000 });
    // Meanwhile the room goes on: shard 0 and 2 answer.
    for (const k of [0, 2])
      for (const u of byShard[k]!) expect(codeOf(await clients.get(u)!.answer(0, 1))).toBe("OK");
    // Back on shard 1, each resumes after what it saw.
    const back = new Map<string, RawClient>();
    for (const u of byShard[1]!) {
      const c = await RawClient.join(a, u);
      const after = seen.get(u)!.at(-1)![0];
      expect((await c.request(T.RESUME, { resume: { afterSeq: after } })).resumed).toMatchObject({
        fromSeq: after + 1,
        toSeq: 2,
        gap: false,
      });
      back.set(u, c);
    }
    expect(codeOf(await back.get(s1a)!.answer(0, 0))).toBe("ALREADY_ANSWERED");
    expect(codeOf(await back.get(s1b)!.answer(0, 1))).toBe("OK");
    const revealed = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(revealed.ok && revealed.stats.counts).toEqual([0, 8]);
    await control(a, { kind: "end" });
    const want: [number, number][] = [
      [1, T.ROOM_OPENED],
      [2, T.QUESTION],
      [3, T.ANSWER_REVEALED],
      [4, T.GAME_OVER],
    ];
    for (const [u, c] of back) clients.set(u, c);
    await untilSeq([...clients.values()], 4);
    for (const u of byShard.flat()) {
      const stream = [...(seen.get(u) ?? []), ...numbered(clients.get(u)!)];
      expect([u, stream]).toEqual([u, want]);
    }
    const winners = byShard.flat().filter((u) => u !== s1c);
    const record = await settled(a);
    await expectPrizes(record, POOL, winners, clients);
    for (const c of clients.values()) c.close();
  }, 60_000);
});

describe("a coordinator → shard call failing once", () => {
  /** A 3-shard room with two players per shard, connected and counted online. */
  async function threeShards(pool = 1_000) {
    const N = 3;
    const activity = await createActivity({
      questions: [
        { text: "q0", options: ["a", "b"], correct: 1 },
        { text: "q1", options: ["a", "b", "c"], correct: 2 },
      ],
      prizePoolCents: pool,
      answerWindowMs: 20_000,
      shards: N,
    });
    const a = activity.id;
    const byShard = usersByShard(uniqueId("flt"), N, 2);
    const clients = new Map<string, RawClient>();
    for (const u of byShard.flat()) clients.set(u, await RawClient.join(a, u));
    await vi.waitUntil(async () => (await stats(a)).online === 2 * N, { timeout: 10_000 });
    const on = (k: number, i: number) => clients.get(byShard[k]![i]!)!;
    return { a, byShard, clients, on, all: () => [...clients.values()] };
  }

  it("heals a failed delivery by the catch-up task, or by the next delivery (the gap pulled first)", async () => {
    const { a, clients, on, all } = await threeShards();
    await control(a, { kind: "open" });
    await untilSeq(all(), 1);

    // The QUESTION never reaches shard 2: its sockets see nothing, its players cannot answer it yet.
    await shardStub(a, 2).failNextCall("deliver");
    await control(a, { kind: "push", question: 0, streamTsMs: 0 });
    await untilSeq([on(0, 0), on(1, 0)], 2);
    await on(2, 0).flush();
    expect(numbered(on(2, 0))).toEqual([[1, T.ROOM_OPENED]]);
    expect(codeOf(await on(2, 0).answer(0, 1))).toBe("NOT_RUNNING");
    // The coordinator's catch-up task (due a second later on the room's clock) brings it.
    await advanceClock(a, CATCHUP_RETRY_MS);
    await runDurableObjectAlarm(roomStub(a));
    await untilSeq([on(2, 0), on(2, 1)], 2);
    for (let k = 0; k < 3; k++)
      for (const i of [0, 1]) expect(codeOf(await on(k, i).answer(0, i))).toBe("OK");

    // The ANSWER_REVEALED never reaches shard 1; the next push pulls it before sending the new question.
    await shardStub(a, 1).failNextCall("deliver");
    const revealed = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(revealed.ok && revealed.stats.counts).toEqual([3, 3]);
    await control(a, { kind: "push", question: 1, streamTsMs: 0 });
    await untilSeq(all(), 4);
    // The catch-up task still due finds nothing missing: nothing is sent twice.
    await advanceClock(a, CATCHUP_RETRY_MS);
    await runDurableObjectAlarm(roomStub(a));
    for (const c of all()) await c.flush();
    const want: [number, number][] = [
      [1, T.ROOM_OPENED],
      [2, T.QUESTION],
      [3, T.ANSWER_REVEALED],
      [4, T.QUESTION],
    ];
    for (const [u, c] of clients) expect([u, numbered(c)]).toEqual([u, want]);
    for (const c of all()) c.close();
  }, 60_000);

  it("refuses a reveal or an end whose gather fails with SHARD_UNAVAILABLE, changing nothing; the retry is exact", async () => {
    const POOL = 1_001;
    const { a, byShard, clients, on, all } = await threeShards(POOL);
    await control(a, { kind: "open" });
    await control(a, { kind: "push", question: 0, streamTsMs: 0 });
    await untilSeq(all(), 2);
    // The second players of shards 1 and 2 wait; everyone else answers, right but shard 0's second.
    expect(codeOf(await on(0, 0).answer(0, 1))).toBe("OK");
    expect(codeOf(await on(0, 1).answer(0, 0))).toBe("OK");
    expect(codeOf(await on(1, 0).answer(0, 1))).toBe("OK");
    expect(codeOf(await on(2, 0).answer(0, 1))).toBe("OK");

    // Shard 2 cannot be reached when the reveal gathers: refused, nothing revealed, the phase unchanged.
    await shardStub(a, 2).failNextCall("op");
    const refused = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(refused).toMatchObject({ ok: false, code: C.SHARD_UNAVAILABLE, codeName: "SHARD_UNAVAILABLE" });
    expect(await stats(a)).toMatchObject({ phase: "asking", currentQuestion: 0, counts: [1, 3] });
    for (const c of all()) await c.flush();
    for (const c of all())
      expect(numbered(c)).toEqual([
        [1, T.ROOM_OPENED],
        [2, T.QUESTION],
      ]);
    // Shard 2 never closed: its waiting player's answer still counts, once. Shard 1 did close for the
    // refused reveal (the operator asked to close the question): its waiting player is too late there.
    expect(codeOf(await on(2, 1).answer(0, 1))).toBe("OK");
    expect(codeOf(await on(2, 1).answer(0, 0))).toBe("ALREADY_ANSWERED");
    expect(codeOf(await on(1, 1).answer(0, 1))).toBe("TOO_LATE");
    // The retry reaches every shard and reveals exact counts.
    const revealed = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(revealed.ok && revealed.stats.counts).toEqual([1, 4]);
    await untilSeq(all(), 3);
    for (const c of all())
      expect(c.notifications().find((n) => n.reveal != null)!.reveal!.counts).toEqual([1, 4]);

    await control(a, { kind: "push", question: 1, streamTsMs: 0 });
    await untilSeq(all(), 4);
    const winners = [byShard[0]![0]!, byShard[1]![0]!, byShard[2]![1]!];
    for (const u of winners) expect(codeOf(await clients.get(u)!.answer(1, 2))).toBe("OK");
    expect(codeOf(await clients.get(byShard[1]![1]!)!.answer(1, 0))).toBe("MISSED_EARLIER");
    expect(codeOf(await clients.get(byShard[2]![0]!)!.answer(1, 1))).toBe("OK");
    await control(a, { kind: "reveal", question: 1, streamTsMs: 0 });

    // The end's gather of survivors fails once: refused, nothing settled; the retry pays exactly.
    await shardStub(a, 1).failNextCall("op");
    const refusedEnd = await roomStub(a).control(a, { kind: "end" });
    expect(refusedEnd).toMatchObject({ ok: false, codeName: "SHARD_UNAVAILABLE" });
    expect((await stats(a)).phase).toBe("revealed");
    expect(await roomRecord(a)).toEqual([]);
    await control(a, { kind: "end" });
    await untilSeq(all(), 6);
    const want: [number, number][] = [
      [1, T.ROOM_OPENED],
      [2, T.QUESTION],
      [3, T.ANSWER_REVEALED],
      [4, T.QUESTION],
      [5, T.ANSWER_REVEALED],
      [6, T.GAME_OVER],
    ];
    for (const [u, c] of clients) expect([u, numbered(c)]).toEqual([u, want]);
    const record = await settled(a);
    await expectPrizes(record, POOL, winners, clients);
    for (const c of all()) c.close();
  }, 60_000);

  it("retries a window's close and a shard's award that failed once, from the coordinator's alarm", async () => {
    const POOL = 1_001;
    const { a, byShard, clients, on, all } = await threeShards(POOL);
    await control(a, { kind: "open" });
    await control(a, { kind: "push", question: 0, streamTsMs: 0 });
    await untilSeq(all(), 2);
    for (const [k, i, option] of [
      [0, 0, 1],
      [0, 1, 1],
      [1, 0, 1],
      [2, 0, 1],
      [2, 1, 0],
    ] as const)
      expect(codeOf(await on(k, i).answer(0, option))).toBe("OK");

    // The window closes (the `close:0` task) while shard 1 cannot be reached: the task fails and is
    // retried; shard 1 judges by the deadline meanwhile, and closes (settling its silent player) later.
    await shardStub(a, 1).failNextCall("op", "quiz.close");
    await beat(all());
    await advanceClock(a, 20_000 + 500 + 1);
    await runDurableObjectAlarm(roomStub(a));
    expect(codeOf(await on(1, 1).answer(0, 1))).toBe("TOO_LATE");
    await advanceClock(a, 1_000);
    await runDurableObjectAlarm(roomStub(a));
    await vi.waitUntil(async () => (await stats(a)).phase === "closed", { timeout: 10_000 });
    const revealed = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(revealed.ok && revealed.stats).toMatchObject({ counts: [1, 4], alive: 4 });

    await control(a, { kind: "push", question: 1, streamTsMs: 0 });
    await untilSeq(all(), 4);
    const winners = [byShard[0]![0]!, byShard[1]![0]!];
    for (const u of winners) expect(codeOf(await clients.get(u)!.answer(1, 2))).toBe("OK");
    expect(codeOf(await on(0, 1).answer(1, 0))).toBe("OK");
    await control(a, { kind: "reveal", question: 1, streamTsMs: 0 });

    // Shard 1's award fails once: the end stands (the split is made once, at the coordinator), and the
    // `award:1` task is retried until shard 1 wrote its winner's prize — once.
    await shardStub(a, 1).failNextCall("op", "quiz.award");
    await control(a, { kind: "end" });
    await untilSeq(all(), 6);
    await runDurableObjectAlarm(roomStub(a));
    const record = await settled(a);
    await expectPrizes(record, POOL, winners, clients);
    expect(record.filter((e) => e.kind === "prize").map((e) => e.userId)).toHaveLength(2);
    for (const c of all()) c.close();
  }, 60_000);

  it("heals a fan-out never sent (the coordinator reset after committing the last notification)", async () => {
    const POOL = 500;
    const { a, byShard, clients, on, all } = await threeShards(POOL);
    await control(a, { kind: "open" });
    await control(a, { kind: "push", question: 0, streamTsMs: 0 });
    await untilSeq(all(), 2);
    for (let k = 0; k < 3; k++) expect(codeOf(await on(k, 0).answer(0, 1))).toBe("OK");
    await control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    await control(a, { kind: "push", question: 1, streamTsMs: 0 });
    await untilSeq(all(), 4);
    for (let k = 0; k < 3; k++) expect(codeOf(await on(k, 0).answer(1, 2))).toBe("OK");
    // The reveal of the last question commits, then the coordinator resets before calling any shard,
    // and nothing is ever broadcast after it: only the coordinator's own sockets have it.
    await roomStub(a).failNextCall("fanout");
    await control(a, { kind: "reveal", question: 1, streamTsMs: 0 });
    await evict(roomStub(a));
    await untilSeq([on(0, 0), on(0, 1)], 5);
    // The coordinator's catch-up brings every shard the reveal it never sent.
    await advanceClock(a, CATCHUP_RETRY_MS);
    await runDurableObjectAlarm(roomStub(a));
    await untilSeq(all(), 5);
    const want: [number, number][] = [
      [1, T.ROOM_OPENED],
      [2, T.QUESTION],
      [3, T.ANSWER_REVEALED],
      [4, T.QUESTION],
      [5, T.ANSWER_REVEALED],
    ];
    for (const [u, c] of clients) expect([u, numbered(c)]).toEqual([u, want]);
    // The same for the end: GAME_OVER reaches every shard; the prizes once.
    await roomStub(a).failNextCall("fanout");
    await control(a, { kind: "end" });
    await evict(roomStub(a));
    await advanceClock(a, CATCHUP_RETRY_MS);
    await runDurableObjectAlarm(roomStub(a));
    await untilSeq(all(), 6);
    for (const [u, c] of clients) expect([u, numbered(c)]).toEqual([u, [...want, [6, T.GAME_OVER]]]);
    const record = await settled(a);
    await expectPrizes(
      record,
      POOL,
      byShard.map((s) => s[0]!),
      clients,
    );
    for (const c of all()) c.close();
  }, 60_000);
});

describe("a sharded room evicted mid-rain", () => {
  // Behaviour only (sockets, the room's record, the ledger), so it holds however the pool is split.
  it("grants each packet once, exactly 3 per player, never more than the pool", async () => {
    const N = 4;
    const PACKETS = 80;
    const rain = { ...rainOf(2_003, PACKETS, "shard-faults-rain"), durationMs: 30_000 };
    const activity = await createActivity({
      questions: [{ text: "q0", options: ["a", "b"], correct: 0 }],
      rains: [rain],
      grabCap: 3,
      shards: N,
    });
    const a = activity.id;
    // 24 players, 3 packets each at most: 72 of the 80 packets can go.
    const users = usersByShard(uniqueId("rn"), N, 6).flat();
    const clients = new Map<string, RawClient>();
    for (const u of users) clients.set(u, await RawClient.join(a, u));
    const all = [...clients.values()];
    await vi.waitUntil(async () => (await stats(a)).online === users.length, { timeout: 10_000 });
    await control(a, { kind: "open" });
    await control(a, { kind: "startRain", rain: 0, streamTsMs: 0 });

    const granted = new Map<string, number[]>(users.map((u) => [u, []]));
    const codes = new Map<string, number>();
    const round = async (r: number, faults: Promise<void>[] = []) => {
      const taps = users.map(async (u) => {
        const res = await clients.get(u)!.request(T.GRAB, { grab: { rain: 0, grabId: `g${r}` } });
        codes.set(codeOf(res), (codes.get(codeOf(res)) ?? 0) + 1);
        if (res.status === OK) granted.get(u)!.push(Number(res.grab!.amountCents));
        return res;
      });
      const [results] = await Promise.all([Promise.all(taps), ...faults]);
      return results;
    };
    const first = await round(0);
    // A shard evicted between two rounds of taps; a player of it taps again with the same grab id
    // (a lost answer's retry): the same grant, not a second one.
    await evict(shardStub(a, 2));
    const u2 = users.find((u) => shardOf(u, N) === 2)!;
    const again = await clients.get(u2)!.request(T.GRAB, { grab: { rain: 0, grabId: "g0" } });
    expect(codeOf(again)).toBe("OK");
    expect(again.grab).toEqual(first[users.indexOf(u2)]!.grab);
    // Shard 1 and the coordinator evicted while a round of taps is in flight.
    await round(1, [evict(shardStub(a, 1)), evict(roomStub(a))]);
    await evict(shardStub(a, 3));
    await round(2);
    await evict(shardStub(a, 2));
    await round(3);
    expect(Object.fromEntries(codes)).toEqual({ OK: 72, CAP_REACHED: 24 });
    for (const u of users) expect([u, granted.get(u)!.length]).toEqual([u, 3]);

    // The rain ends on time; every socket sees it.
    await beat(all);
    await advanceClock(a, rain.durationMs);
    await runDurableObjectAlarm(roomStub(a));
    await vi.waitUntil(() => all.every((c) => c.notifications().some((n) => n.rainEnded != null)), {
      timeout: 10_000,
    });

    const record = await settled(a);
    const grants = record.filter((e) => e.kind === "red_packet");
    const amounts = rainPackets(rain);
    const index = (e: RoomSettlementEntry) => Number(e.key.split(":").at(-1));
    // Every packet granted at most once, at its own amount; never more than the pool.
    expect(grants).toHaveLength(72);
    expect(new Set(grants.map(index)).size).toBe(72);
    for (const e of grants) expect([index(e) < PACKETS, e.amountCents]).toEqual([true, amounts[index(e)]]);
    expect(grants.reduce((s, e) => s + e.amountCents, 0)).toBeLessThanOrEqual(rain.totalCents);
    // What each player was told is what the room recorded and the ledger paid, to the cent.
    for (const u of users) {
      const told = [...granted.get(u)!].sort((x, y) => x - y);
      const paid = grants
        .filter((e) => e.userId === u)
        .map((e) => e.amountCents)
        .sort((x, y) => x - y);
      expect([u, paid]).toEqual([u, told]);
      expect([u, await balance(userAccount(u))]).toEqual([u, told.reduce((s, c) => s + c, 0)]);
    }
    // Every socket saw the same numbered notifications, 1..n without a gap.
    for (const c of all) await c.flush();
    const stream = numbered(all[0]!);
    expect(stream.map(([s]) => s)).toEqual(stream.map((_, i) => i + 1));
    expect(stream.map(([, t]) => t)).toContain(T.RAIN_ENDED);
    for (const c of all) expect(numbered(c)).toEqual(stream);
    for (const c of all) c.close();
  }, 90_000);
});

describe("bad input on every shard", () => {
  const QUESTIONS = [
    { text: "q0", options: ["a", "b"], correct: 0 },
    { text: "q1", options: ["a", "b"], correct: 0 },
    { text: "q2", options: ["a", "b"], correct: 0 },
  ];

  /** A user id whose sockets reach shard k of n. */
  function userOn(prefix: string, k: number, n: number): string {
    for (let i = 0; ; i++) if (shardOf(`${prefix}-${i}`, n) === k) return `${prefix}-${i}`;
  }

  /** A tokenless socket on shard k (the Worker sends one to a random shard). */
  async function anonymousOn(activityId: string, k: number): Promise<RawClient> {
    const res = await shardStub(activityId, k).fetch("http://room/ws", {
      headers: { Upgrade: "websocket", "X-Liveroom-Activity": activityId, "X-Liveroom-Shard": String(k) },
    });
    expect(res.status).toBe(101);
    return new RawClient(res.webSocket!);
  }

  /** The first response after sending `data` raw. */
  async function raw(client: RawClient, data: Uint8Array | string): Promise<liveroom.Response> {
    const before = client.frames.length;
    client.sendRaw(data);
    await vi.waitUntil(() => client.frames.slice(before).some((f) => f.response), { timeout: 5_000 });
    return client.frames.slice(before).find((f) => f.response)!.response as liveroom.Response;
  }

  /** What the quiz stored on every shard: bad input must change none of it. */
  async function snapshot(activityId: string) {
    return Promise.all(
      (await shardStubs(activityId)).map((stub) =>
        runInDurableObject(stub, (_room: LiveRoom, state) => {
          const sql = state.storage.sql;
          return {
            room: sql.exec("SELECT body FROM quiz_state").toArray(),
            players: sql.exec("SELECT * FROM players ORDER BY user_id").toArray(),
            answers: sql.exec("SELECT * FROM answers ORDER BY question, user_id").toArray(),
            counts: sql.exec("SELECT * FROM counts ORDER BY question, option").toArray(),
            notifications: sql.exec("SELECT COUNT(*) AS n FROM notifications").one().n,
            outbox: sql.exec("SELECT COUNT(*) AS n FROM outbox").one().n,
          };
        }),
      ),
    );
  }

  /**
   * Every bad-input case of room-bad-input.test.ts, with its players, host and tokenless socket on
   * shard k of an n-shard room: the code each case got (OK or the code's name).
   */
  async function codesOnShard(n: number, k: number): Promise<Record<string, string>> {
    const activity = await createActivity({ questions: QUESTIONS, answerWindowMs: 10_000, shards: n });
    const a = activity.id;
    const p = uniqueId(`bad${n}`);
    const [hostId, liveId, outId, lateId, resumerId, anonId, otherId] = [
      "host",
      "live",
      "out",
      "late",
      "resumer",
      "anon",
      "other",
    ].map((name) => userOn(`${p}-${name}`, k, n)) as [string, string, string, string, string, string, string];
    const host = await RawClient.join(a, hostId, "host");
    const live = await RawClient.join(a, liveId);
    const out = await RawClient.join(a, outId);
    const late = await RawClient.join(a, lateId);
    const got: Record<string, string> = {};
    const record = async (what: string, res: Promise<liveroom.Response>) => {
      got[what] = codeOf(await res);
    };

    await record("open", host.request(T.OPEN, { open: {} }));
    await record("push q0", host.request(T.PUSH_QUESTION, { pushQuestion: { question: 0 } }));
    await live.waitForNotification((x) => x.question != null);
    await record("right answer", live.answer(0, 0));
    await record("wrong answer", out.answer(0, 1));
    await record("late's answer", late.answer(0, 0));
    await record("reveal q0", host.request(T.REVEAL, { reveal: { question: 0 } }));
    await record("push q1", host.request(T.PUSH_QUESTION, { pushQuestion: { question: 1 } }));
    await live.waitForNotification((x) => x.question?.question === 1);
    await record("answer q1", live.answer(1, 0));

    const before = await snapshot(a);
    const frame = (f: liveroom.Frame.$Properties) => liveroom.Frame.encode(f).finish();
    const cases: [string, () => Promise<liveroom.Response>][] = [
      ["malformed bytes", () => raw(live, Uint8Array.of(0x0a, 0xff, 0x01))],
      [
        "payload not matching the type",
        () => raw(live, frame({ type: T.ANSWER, seq: 0, request: { grab: {} } })),
      ],
      ["a text frame", () => raw(live, '{"answer":1}')],
      ["an unknown type", () => raw(live, frame({ type: 77, seq: 0, request: { answer: {} } }))],
      ["an oversize frame", () => raw(live, new Uint8Array(4096))],
      ["a past question", () => live.answer(0, 0)],
      ["a future question", () => live.answer(2, 0)],
      ["an unknown question", () => live.answer(9, 0)],
      ["a second answer", () => live.answer(1, 1)],
      ["an out-of-range option", () => live.answer(1, 2)],
      ["an eliminated player", () => out.answer(1, 0)],
      ["a viewer's host operation", () => live.request(T.REVEAL, { reveal: { question: 1 } })],
      ["a viewer's stats request", () => live.request(T.STATS, { stats: {} })],
      ["a grab with no rain", () => live.request(T.GRAB, { grab: { rain: 0 } })],
      ["a vote with no poll", () => live.request(T.POLL_VOTE, { pollVote: { pollId: 1, choice: 0 } })],
      [
        "an expired token",
        async () => live.request(T.AUTH, { auth: { token: await token(liveId, "viewer", -60) } }),
      ],
      [
        "a token signed with another secret",
        async () =>
          live.request(T.AUTH, {
            auth: { token: await sign({ sub: liveId, role: "host", exp: 9e9 }, "another-secret", "HS256") },
          }),
      ],
      ["garbage as a token", () => live.request(T.AUTH, { auth: { token: "not.a.jwt" } })],
      ["another user's token", async () => live.request(T.AUTH, { auth: { token: await token(otherId) } })],
    ];
    for (const [what, send] of cases) await record(what, send());
    expect(live.closed).toBeNull();
    expect(await snapshot(a)).toEqual(before);

    // Before auth, then auth on the open socket: a spectator, having missed the first question.
    const anon = await anonymousOn(a, k);
    await record("tokenless answer", anon.answer(1, 0));
    await record("tokenless resume", anon.request(T.RESUME, { resume: { afterSeq: 0 } }));
    const welcome = await anon.request(T.AUTH, { auth: { token: await token(anonId) } });
    got["auth on the open socket"] = `${codeOf(welcome)} roomSeq ${welcome.welcome?.roomSeq}`;
    await record("answer after auth", anon.answer(1, 0));

    // A viewer who leaves at seq 4 and resumes after two more notifications.
    const resumer = await RawClient.join(a, resumerId);
    const seen = await resumer.request(T.AUTH, { auth: { token: await token(resumerId) } });
    got["resumer's welcome"] = `roomSeq ${seen.welcome?.roomSeq}`;
    resumer.close();

    // Late by the room's clock: past the 10 s window (long enough for a slow machine to run every case
    // above inside it) and the 500 ms grace; the alarm closes the window (the runtime may run it first).
    await advanceClock(a, 10_500);
    await runDurableObjectAlarm(roomStub(a));
    await vi.waitUntil(async () => (await stats(a)).phase !== "asking", { timeout: 5_000 });
    got["phase after the window"] = (await stats(a)).phase;
    await record("a late answer", late.answer(1, 0));

    // Operator steps out of order, from the host's socket on shard k.
    await record("open again", host.request(T.OPEN, { open: {} }));
    await record(
      "push q2 before the reveal",
      host.request(T.PUSH_QUESTION, { pushQuestion: { question: 2 } }),
    );
    await record("reveal a past question", host.request(T.REVEAL, { reveal: { question: 0 } }));
    await record("end before the last question", host.request(T.END, { end: {} }));
    await record("reveal q1", host.request(T.REVEAL, { reveal: { question: 1 } }));
    await record("push q1 again", host.request(T.PUSH_QUESTION, { pushQuestion: { question: 1 } }));
    await record(
      "push an unknown question",
      host.request(T.PUSH_QUESTION, { pushQuestion: { question: 5 } }),
    );
    await record("push q2", host.request(T.PUSH_QUESTION, { pushQuestion: { question: 2, streamTsMs: 5 } }));

    const back = await RawClient.join(a, resumerId);
    const res = await back.request(T.RESUME, { resume: { afterSeq: 4 } });
    got.resume = `${codeOf(res)} ${res.resumed?.fromSeq}..${res.resumed?.toSeq} gap ${res.resumed?.gap}`;
    await vi.waitUntil(() => numbered(back).length === 2, { timeout: 5_000 });
    await back.flush();
    got.resumed = JSON.stringify(numbered(back));
    for (const c of [host, live, out, late, anon, back]) c.close();
    return got;
  }

  const want: Record<string, string> = {
    open: "OK",
    "push q0": "OK",
    "right answer": "OK",
    "wrong answer": "OK",
    "late's answer": "OK",
    "reveal q0": "OK",
    "push q1": "OK",
    "answer q1": "OK",
    "malformed bytes": "MALFORMED",
    "payload not matching the type": "MALFORMED",
    "a text frame": "TEXT_FRAME",
    "an unknown type": "UNKNOWN_TYPE",
    "an oversize frame": "TOO_LARGE",
    "a past question": "NOT_CURRENT_QUESTION",
    "a future question": "NOT_CURRENT_QUESTION",
    "an unknown question": "UNKNOWN_QUESTION",
    "a second answer": "ALREADY_ANSWERED",
    "an out-of-range option": "BAD_OPTION",
    "an eliminated player": "ELIMINATED",
    "a viewer's host operation": "FORBIDDEN",
    "a viewer's stats request": "FORBIDDEN",
    "a grab with no rain": "NO_RAIN",
    "a vote with no poll": "POLL_NOT_OPEN",
    "an expired token": "TOKEN_INVALID",
    "a token signed with another secret": "TOKEN_INVALID",
    "garbage as a token": "TOKEN_INVALID",
    "another user's token": "ALREADY_AUTHENTICATED",
    "tokenless answer": "NOT_AUTHENTICATED",
    "tokenless resume": "NOT_AUTHENTICATED",
    "auth on the open socket": "OK roomSeq 4",
    "answer after auth": "MISSED_EARLIER",
    "resumer's welcome": "roomSeq 4",
    "phase after the window": "closed",
    "a late answer": "TOO_LATE",
    "open again": "NOT_ALLOWED_NOW",
    "push q2 before the reveal": "NOT_ALLOWED_NOW",
    "reveal a past question": "WRONG_QUESTION",
    "end before the last question": "NOT_ALLOWED_NOW",
    "reveal q1": "OK",
    "push q1 again": "WRONG_QUESTION",
    "push an unknown question": "UNKNOWN_QUESTION",
    "push q2": "OK",
    resume: "OK 5..6 gap false",
    resumed: JSON.stringify([
      [5, T.ANSWER_REVEALED],
      [6, T.QUESTION],
    ]),
  };

  it.each([
    [1, 0],
    [4, 1],
    [4, 2],
    [4, 3],
  ])(
    "answers bad input in a %i-shard room, on shard %i, with the one-shard room's codes",
    async (n, k) => {
      expect(await codesOnShard(n, k)).toEqual(want);
    },
    30_000,
  );
});
