// A room written before migrations existed (support/legacy-room.ts), caught mid-game by the deploy
// that brought them: the next wake runs every feature's migrations over the old tables, and the
// game goes on exactly where it was. A changed migration history makes the room refuse to start.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { verifyReveal } from "../../client/commitment";
import { unsealOutcome } from "../../client/seal";
import { ROOM_MIGRATIONS } from "../../durable-objects/features/registry";
import { checksum } from "../../durable-objects/kernel/migrations";
import type { LiveRoom } from "../../durable-objects/live-room";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { liveroom } from "../../schema/proto";
import { prizeKey, redPacketKey } from "../../schema/settlement";
import { roomRecord } from "./support/game";
import {
  createLegacyTables,
  type LegacyActivity,
  type LegacyRoomState,
  type LegacySocialState,
} from "./support/legacy-room";
import { rain } from "./support/rain";
import { createActivity, RawClient, roomStub, token, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const OK = liveroom.Status.OK;

const QUESTIONS = [
  { text: "q0", options: ["a", "b"], correct: 0 },
  { text: "q1", options: ["a", "b", "c"], correct: 2 },
  { text: "q2", options: ["a", "b"], correct: 1 },
];
// 20,000 packets: the old meta value held every amount (about 70 KB of JSON for this rain alone).
const RAIN = rain(2_000_000, 20_000, { seed: "legacy-rain", durationMs: 30_000 });
const PACKETS = rainPackets(RAIN);
const KEY0 = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const KEY1 = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
/** A stored value this large would be an unbounded list (every packet) in one value. */
const MAX_VALUE_BYTES = 4_096;

type Row = Record<string, SqlStorageValue>;

/** Every user table of the room's SQLite (the runtime's own and SQLite's are not ours to touch). */
function userTables(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
    .toArray()
    .map((r) => r.name);
}

/** The longest stored value of every column of every table, over `limit` bytes: [table.column, length]. */
function valuesOver(sql: SqlStorage, limit: number): [string, number][] {
  const over: [string, number][] = [];
  for (const table of userTables(sql)) {
    for (const { name } of sql.exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)) {
      const n = Number(sql.exec<Row>(`SELECT max(length("${name}")) AS n FROM "${table}"`).one().n ?? 0);
      if (n > limit) over.push([`${table}.${name}`, n]);
    }
  }
  return over;
}

/** A numbered notification exactly as the old room encoded it. */
function legacyFrame(
  type: number,
  roomSeq: number,
  event: Omit<liveroom.Notification.$Properties, "roomSeq">,
) {
  return liveroom.Frame.encode({ type, notification: { roomSeq, ...event } }).finish();
}

describe("a room written before migrations", () => {
  it("migrates mid-game on its next wake and the game goes on exactly where it was", async () => {
    const a = await createActivity({
      questions: QUESTIONS,
      rains: [RAIN],
      prizePoolCents: 1_001,
      answerWindowMs: 60_000,
      grabCap: 3,
    });
    const p = uniqueId("legacy");
    const [alice, bob, carol] = [`${p}-alice`, `${p}-bob`, `${p}-carol`];
    const stub = roomStub(a.id);
    const t0 = Date.now();
    const current = {
      index: 1,
      deadlineMs: t0 + 60_000,
      windowMs: 60_000,
      streamTsMs: 90_000,
      keyB64: b64(KEY1),
    };
    const reveal = { question: 0, correct: 0, keyB64: b64(KEY0), counts: [2, 1], streamTsMs: 80_000 };
    const activity: LegacyActivity = { ...a, rains: [{ ...RAIN, packets: [...PACKETS] }] };
    const legacyRoom: LegacyRoomState = { activity, phase: "asking", current, reveal, gameOver: null };
    const social: LegacySocialState = {
      counters: {
        in: 12,
        shown: 8,
        dropped: 2,
        blocked: 1,
        refused: 3,
        deleted: 1,
        likes: 250,
        likesShown: 250,
        ticks: 5,
      },
      seen: 0,
      nextId: 12,
      tickAtMs: null,
      anchor: { streamTsMs: 90_000, atMs: t0 - 2_000 },
      gifts: 7,
      giftCoins: 70,
    };
    const grantedCents = PACKETS[0]! + PACKETS[1]! + PACKETS[2]!;
    const notifications = [
      legacyFrame(T.ROOM_OPENED, 1, { roomOpened: { title: a.title, questionCount: 3 } }),
      legacyFrame(T.QUESTION, 2, {
        question: { question: 0, text: "q0", options: ["a", "b"], deadlineMs: t0 - 60_000, windowMs: 60_000 },
      }),
      legacyFrame(T.ANSWER_REVEALED, 3, { reveal: { question: 0, correct: 0, key: KEY0, counts: [2, 1] } }),
      legacyFrame(T.RAIN_STARTED, 4, {
        rainStarted: { rain: 0, packets: 20_000, packetsLeft: 20_000, endsAtMs: t0 - 40_000, cap: 3 },
      }),
      legacyFrame(T.RAIN_ENDED, 5, { rainEnded: { rain: 0, packetsLeft: 19_997, grantedCents } }),
      legacyFrame(T.QUESTION, 6, {
        question: { question: 1, text: "q1", options: ["a", "b", "c"], deadlineMs: current.deadlineMs },
      }),
    ];
    const redPacket = (i: number, userId: string) => ({
      key: redPacketKey(a.id, 0, i),
      kind: "red_packet",
      activityId: a.id,
      userId,
      rain: 0,
      packetIndex: i,
      amountCents: PACKETS[i]!,
    });

    // The room exists (migrated, empty); replace its storage with the old room's, mid-question 1.
    const legacyValueBytes = await runInDurableObject(stub, (_room: LiveRoom, state) => {
      const sql = state.storage.sql;
      for (const table of userTables(sql)) sql.exec(`DROP TABLE "${table}"`);
      createLegacyTables(sql);
      const meta = JSON.stringify(legacyRoom);
      sql.exec("INSERT INTO meta (k, v) VALUES ('room', ?), ('seq', '6')", meta);
      const players: [string, string, number, number, number][] = [
        [alice, "playing", 0, 1, 0],
        [bob, "out", -1, 0, 0],
        [carol, "playing", 1, 0, 0],
      ];
      for (const row of players) {
        sql.exec(
          "INSERT INTO players (user_id, status, passed, revival_cards, revival_used) VALUES (?, ?, ?, ?, ?)",
          ...row,
        );
      }
      const answers: [number, string, number, number][] = [
        [0, alice, 0, 1],
        [0, bob, 1, 3],
        [0, carol, 0, 1],
        [1, carol, 2, 1],
      ];
      for (const [q, u, option, outcome] of answers) {
        sql.exec(
          "INSERT INTO answers (question, user_id, option, outcome, at_ms) VALUES (?, ?, ?, ?, ?)",
          q,
          u,
          option,
          outcome,
          t0 - 1_000,
        );
      }
      for (const [q, option, n] of [
        [0, 0, 2],
        [0, 1, 1],
        [1, 2, 1],
      ]) {
        sql.exec("INSERT INTO counts (question, option, n) VALUES (?, ?, ?)", q, option, n);
      }
      notifications.forEach((bytes, i) => {
        sql.exec("INSERT INTO notifications (seq, bytes) VALUES (?, ?)", i + 1, bytes);
      });
      sql.exec(
        "INSERT INTO schedule (name, at_ms) VALUES (?, ?), ('sweep', ?)",
        `close:${current.index}`,
        current.deadlineMs + 500,
        t0 + 60_000,
      );
      sql.exec(
        "INSERT INTO rain_runs VALUES (0, 'ended', ?, 3, 20000, ?, 60000, ?, 3, 5, 1, 1000000)",
        t0 - 40_000,
        t0 - 70_000,
        grantedCents,
      );
      for (const [i, userId, replayId, grabbed] of [
        [0, alice, "g:a1", 1],
        [1, carol, "g:c1", 1],
        [2, alice, "g:a2", 2],
      ] as const) {
        sql.exec(
          "INSERT INTO grants (rain, packet_index, user_id, replay_id, amount_cents, grabbed, at_ms) VALUES (0, ?, ?, ?, ?, ?, ?)",
          i,
          userId,
          replayId,
          PACKETS[i]!,
          grabbed,
          t0 - 60_000,
        );
        sql.exec(
          "INSERT INTO outbox (key, body, created_ms, sent_ms) VALUES (?, ?, ?, ?)",
          redPacketKey(a.id, 0, i),
          JSON.stringify(redPacket(i, userId)),
          t0 - 60_000 + i,
          t0 - 59_000,
        );
      }
      sql.exec("INSERT INTO social_meta (k, v) VALUES ('state', ?)", JSON.stringify(social));
      sql.exec(
        "INSERT INTO danmaku_shown (id, tick, user_id, text, stream_ts_ms, tick_stream_ts_ms, tick_at_ms) VALUES (11, 5, ?, 'gl', 89000, 89500, ?)",
        carol,
        t0 - 2_500,
      );
      sql.exec(
        "INSERT INTO room_gifts (user_id, key, gift_id, quantity, coins, at_ms) VALUES (?, 'k1', 'rose', 5, 50, ?), (?, 'k2', 'rose', 2, 20, ?)",
        alice,
        t0 - 10_000,
        carol,
        t0 - 9_000,
      );
      sql.exec("INSERT INTO gifters (user_id, coins, gifts) VALUES (?, 50, 5), (?, 20, 2)", alice, carol);
      for (const body of [
        { kind: "opened", streamTsMs: 0, atMs: t0 - 120_000, title: a.title },
        {
          kind: "question",
          streamTsMs: 60_000,
          atMs: t0 - 120_000,
          question: 0,
          text: "q0",
          options: ["a", "b"],
        },
        { kind: "reveal", streamTsMs: 80_000, atMs: t0 - 50_000, question: 0, correct: 0, counts: [2, 1] },
        {
          kind: "question",
          streamTsMs: 90_000,
          atMs: t0 - 2_000,
          question: 1,
          text: "q1",
          options: ["a", "b", "c"],
        },
      ]) {
        sql.exec("INSERT INTO timeline (body) VALUES (?)", JSON.stringify(body));
      }
      return meta.length;
    });
    // The old value held every packet: far over what one value may hold once the rain is large.
    expect(legacyValueBytes).toBeGreaterThan(60_000);

    // The deploy: the object is rebuilt, and its constructor migrates the old tables.
    await evictDurableObject(stub);
    const c = { alice: await RawClient.join(a.id, alice), carol: await RawClient.join(a.id, carol) };

    const storage = await runInDurableObject(stub, (_room: LiveRoom, state) => {
      const sql = state.storage.sql;
      return {
        migrations: sql
          .exec("SELECT feature, id, name, checksum FROM _migrations ORDER BY feature, id")
          .toArray(),
        meta: sql.exec("SELECT k, v FROM meta ORDER BY k").toArray(),
        legacySocial: userTables(sql).includes("social_meta"),
        legacyCards: sql.exec("SELECT SUM(revival_cards) AS n FROM players").one().n,
        activity: sql.exec("SELECT * FROM activity").toArray(),
        questions: sql.exec("SELECT * FROM activity_questions ORDER BY idx").toArray(),
        rains: sql.exec("SELECT * FROM activity_rains ORDER BY idx").toArray(),
        quiz: JSON.parse(String(sql.exec("SELECT body FROM quiz_state").one().body)) as unknown,
        danmaku: JSON.parse(String(sql.exec("SELECT body FROM danmaku_state").one().body)) as unknown,
        danmakuShard: JSON.parse(String(sql.exec("SELECT body FROM danmaku_shard").one().body)) as unknown,
        giftTotals: sql.exec("SELECT * FROM gift_totals").toArray(),
        anchor: sql.exec("SELECT * FROM replay_anchor").toArray(),
        over: valuesOver(sql, MAX_VALUE_BYTES),
      };
    });
    // Every feature's migrations ran once, in its list, with its checksum.
    expect(storage.migrations).toEqual(
      ROOM_MIGRATIONS.flatMap(({ feature, migrations }) =>
        migrations.map((m) => ({ feature, id: m.id, name: m.name, checksum: checksum(m) })),
      ).sort((x, y) => (x.feature === y.feature ? x.id - y.id : x.feature < y.feature ? -1 : 1)),
    );
    // The old value is gone: the activity in rows, the quiz state, danmaku, gifts and anchor apart.
    expect(storage.meta).toEqual([{ k: "seq", v: "6" }]);
    expect(storage.activity).toEqual([
      {
        id: a.id,
        title: a.title,
        start_at_ms: a.startAtMs,
        prize_pool_cents: 1_001,
        answer_window_ms: 60_000,
        stream_url: "",
        grab_cap: 3,
        // Kernel migration 3: a room written before shards is one shard.
        shards: 1,
      },
    ]);
    expect(storage.questions).toEqual(
      QUESTIONS.map((q, idx) => ({
        idx,
        text: q.text,
        options: JSON.stringify(q.options),
        correct: q.correct,
      })),
    );
    expect(storage.rains).toEqual([
      {
        idx: 0,
        total_cents: 2_000_000,
        count: 20_000,
        target_taps_per_sec: RAIN.targetTapsPerSec,
        duration_ms: 30_000,
        seed: "legacy-rain",
      },
    ]);
    expect(storage.quiz).toEqual({ v: 1, phase: "asking", current, reveal, gameOver: null });
    // The shared legacy value is gone once danmaku, gifts and the replay took their parts; no row keeps
    // a card no escrow covers.
    expect([storage.legacySocial, storage.legacyCards]).toEqual([false, 0]);
    // Danmaku migration 2 (split per shard): the room's counters stay with the coordinator, its
    // decisions (in, blocked, refused) and its numbering move to its shard part, shard 0.
    const { in: dIn, blocked, refused, ...roomCounters } = social.counters;
    expect(storage.danmaku).toEqual({
      v: 2,
      counters: roomCounters,
      droppedSince: 0,
      tickAtMs: null,
      lastTickMs: null,
    });
    expect(storage.danmakuShard).toEqual({
      v: 1,
      counters: { in: dIn, blocked, refused },
      seen: 0,
      likes: 0,
      nextLocal: 12,
      nextBatch: 1,
      sealed: null,
      forwardAtMs: null,
      lastForwardMs: null,
      mutesV: 0,
    });
    expect(storage.giftTotals).toEqual([{ id: 1, gifts: 7, coins: 70 }]);
    expect(storage.anchor).toEqual([{ id: 1, stream_ts_ms: 90_000, at_ms: t0 - 2_000 }]);
    // No packet amounts anywhere: the rain rows above have no column for them, and no value of the
    // room is over 4 KB (the legacy value alone was over 60 KB).
    expect(storage.over).toEqual([]);

    // A player reconnecting gets the game as it was: question 1 open, the reveal of 0, their packets
    // and the room's likes. Alice's legacy card is out of play: it was copied from D1 before escrows
    // existed, never taken from her balance, and the consumer no longer debits on use (she keeps it).
    const welcome = (await c.alice.request(T.AUTH, { auth: { token: await token(alice) } })).welcome!;
    expect(welcome.roomSeq).toBe(6);
    expect(welcome.room).toMatchObject({
      activityId: a.id,
      phase: liveroom.Phase.ASKING,
      questionCount: 3,
      prizePoolCents: 1_001,
      rain: null,
    });
    expect(Number(welcome.room!.likes)).toBe(250);
    expect(welcome.room!.current).toMatchObject({
      question: 1,
      text: "q1",
      options: ["a", "b", "c"],
      windowMs: 60_000,
      streamTsMs: 90_000,
      questionCount: 3,
    });
    expect(Number(welcome.room!.current!.deadlineMs)).toBe(current.deadlineMs);
    expect(welcome.room!.lastReveal).toMatchObject({ question: 0, correct: 0, counts: [2, 1] });
    expect([...welcome.room!.lastReveal!.key!]).toEqual([...KEY0]);
    // Pushed before rooms committed (the stored state has no salt): no commitment, no salt.
    expect(welcome.room!.current!.commitment).toHaveLength(0);
    expect(welcome.room!.lastReveal!.salt).toHaveLength(0);
    expect(welcome.player).toMatchObject({
      status: liveroom.PlayerStatus.PLAYING,
      revivalCards: 0,
      revivalUsed: false,
      passed: 0,
      grabbed: 2,
    });
    expect([...welcome.player!.sealed!]).toEqual([]);
    // Carol's legacy answer to question 1 is hers, sealed under the legacy key (and, until the
    // reveal, her snapshot shows her as she stood before answering: passed 0).
    const carolView = (await c.carol.request(T.AUTH, { auth: { token: await token(carol) } })).welcome!;
    expect(carolView.player).toMatchObject({ status: liveroom.PlayerStatus.PLAYING, grabbed: 1, passed: 0 });
    expect(await unsealOutcome(carolView.player!.sealed!, KEY1, carol)).toBe(liveroom.Outcome.CORRECT);
    const bobClient = await RawClient.join(a.id, bob);
    const bobView = (await bobClient.request(T.AUTH, { auth: { token: await token(bob) } })).welcome!;
    expect(bobView.player).toMatchObject({ status: liveroom.PlayerStatus.OUT, passed: -1, grabbed: 0 });

    // RESUME from the start returns the legacy notifications, byte for byte.
    const raw: Uint8Array[] = [];
    c.alice.ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string") raw.push(new Uint8Array(e.data as ArrayBuffer));
    });
    const resumed = await c.alice.request(T.RESUME, { resume: { afterSeq: 0 } });
    expect(resumed.resumed).toMatchObject({ fromSeq: 1, toSeq: 6, gap: false });
    await vi.waitUntil(() => raw.length === 1 + notifications.length);
    expect(raw.slice(1)).toEqual(notifications);

    // The operator's figures: the legacy rain, danmaku, likes and gifts as they were.
    const stats = await stub.control(a.id, { kind: "stats" });
    expect(stats.ok && stats.stats).toMatchObject({
      phase: "asking",
      players: 3,
      alive: 2,
      currentQuestion: 1,
      counts: [0, 0, 1],
      roomSeq: 6,
      rain: 0,
      rainRunning: false,
      packetsLeft: 19_997,
      grantedCents,
      grantedPackets: 3,
      grabs: 5,
      throttled: 1,
      throttlePpm: 1_000_000,
      danmakuIn: 12,
      danmakuShown: 8,
      danmakuDropped: 2,
      danmakuBlocked: 1,
      danmakuRefused: 3,
      danmakuDeleted: 1,
      likes: 250,
      gifts: 7,
      giftCoins: 70,
    });
    const board = await c.alice.request(T.GIFTERS, { gifters: {} });
    expect(board.gifters!.gifters!.map((g) => [g.rank, g.userId, Number(g.coins)])).toEqual([
      [1, alice, 50],
      [2, carol, 20],
    ]);

    // The game goes on: Alice's wrong answer counts on top of the legacy count; no card saves her.
    const late = await c.alice.answer(1, 0);
    expect(late.status).toBe(OK);
    expect(await unsealOutcome(late.answer!.sealed!, KEY1, alice)).toBe(liveroom.Outcome.OUT_WRONG);
    expect((await c.carol.answer(1, 0)).code).toBe(liveroom.Code.ALREADY_ANSWERED);
    const control = async (op: Parameters<typeof stub.control>[1]) => {
      const r = await stub.control(a.id, op);
      expect(r.ok).toBe(true);
      return r;
    };
    await control({ kind: "reveal", question: 1, streamTsMs: 100_000 });
    const r1 = await c.carol.waitForNotification((n) => n.reveal?.question === 1);
    expect(r1.roomSeq).toBe(7);
    expect(r1.reveal).toMatchObject({ question: 1, correct: 2, counts: [1, 0, 1] });
    expect([...r1.reveal!.key!]).toEqual([...KEY1]);
    expect(r1.reveal!.salt).toHaveLength(0);
    expect(await verifyReveal(welcome.room!.current!, r1.reveal!, a.id)).toBe(false);

    await control({ kind: "push", question: 2, streamTsMs: 110_000 });
    // The first question pushed by the upgraded room commits to its answer.
    const q2 = await c.alice.waitForNotification((n) => n.question?.question === 2);
    expect(q2.question!.commitment).toHaveLength(32);
    expect((await c.alice.answer(2, 1)).code).toBe(liveroom.Code.ELIMINATED);
    expect((await c.carol.answer(2, 1)).status).toBe(OK);
    expect((await bobClient.answer(2, 1)).code).toBe(liveroom.Code.ELIMINATED);
    await control({ kind: "reveal", question: 2, streamTsMs: 120_000 });
    const r2 = await c.carol.waitForNotification((n) => n.reveal?.question === 2);
    expect(r2.reveal!.salt).toHaveLength(16);
    expect(await verifyReveal(q2.question!, r2.reveal!, a.id)).toBe(true);
    const end = await control({ kind: "end" });
    expect(end.ok && end.stats).toMatchObject({ phase: "ended", players: 3, alive: 1, roomSeq: 10 });
    const over = await c.alice.waitForNotification((n) => n.gameOver != null);
    expect(over.roomSeq).toBe(10);
    expect(over.gameOver).toMatchObject({ winners: 1, remainder: 0 });
    expect([Number(over.gameOver!.prizePoolCents), Number(over.gameOver!.baseShareCents)]).toEqual([
      1_001, 1_001,
    ]);
    const prize = await c.carol.waitForNotification((n) => n.prize != null);
    expect(Number(prize.prize!.cents)).toBe(1_001);
    await c.alice.flush();
    expect(c.alice.notifications().filter((n) => n.prize != null)).toEqual([]);

    // The outbox: the legacy grants (already sent) and the one prize share; no card use, no release.
    const record = await roomRecord(a.id);
    expect(record.map((e) => [e.key, e.kind, e.userId, e.amountCents, e.count, e.sentMs !== null])).toEqual([
      [prizeKey(a.id, carol), "prize", carol, 1_001, 0, expect.any(Boolean)],
      [redPacketKey(a.id, 0, 0), "red_packet", alice, PACKETS[0], 0, true],
      [redPacketKey(a.id, 0, 1), "red_packet", carol, PACKETS[1], 0, true],
      [redPacketKey(a.id, 0, 2), "red_packet", alice, PACKETS[2], 0, true],
    ]);
    const prizes = record.filter((e) => e.kind === "prize").reduce((s, e) => s + e.amountCents, 0);
    expect(prizes).toBe(1_001);
    const bodies = await runInDurableObject(stub, (_room: LiveRoom, state) =>
      state.storage.sql
        .exec<{ body: string }>("SELECT body FROM outbox WHERE key LIKE 'prize:%' ORDER BY key")
        .toArray()
        .map((r) => JSON.parse(r.body) as unknown),
    );
    expect(bodies).toEqual([
      { key: prizeKey(a.id, carol), kind: "prize", activityId: a.id, userId: carol, amountCents: 1_001 },
    ]);
    for (const client of [c.alice, c.carol, bobClient]) client.close();
  });
});

describe("a changed migration history", () => {
  /** A room that ran its migrations, then `tamper` applied to its `_migrations` rows, then a wake. */
  async function tamperedRoom(tamper: (sql: SqlStorage) => void) {
    const a = await createActivity({ questions: QUESTIONS });
    const stub = roomStub(a.id);
    const first = await RawClient.join(a.id, uniqueId("mig"));
    first.close();
    await runInDurableObject(stub, (_room: LiveRoom, state) => tamper(state.storage.sql));
    await evictDurableObject(stub);
    return { a, stub };
  }

  // Requests go through fetch (a socket upgrade, runInDurableObject): an RPC to an object whose
  // constructor throws rejects too, but the test pool's RPC wrapper also leaves an unhandled rejection.
  it("an edited migration: the room refuses to start, and every request fails with the runner's error", async () => {
    const quiz1 = ROOM_MIGRATIONS.find((l) => l.feature === "quiz")!.migrations[0]!;
    const { a, stub } = await tamperedRoom((sql) => {
      sql.exec("UPDATE _migrations SET checksum = 'deadbeef' WHERE feature = 'quiz' AND id = 1");
    });
    const refused = `migrations: quiz/1 (${quiz1.name}) changed after it was applied`;
    // The constructor throws before anything runs, on every wake: nothing half-migrated, nothing served.
    for (let attempt = 0; attempt < 2; attempt++) {
      const upgrade = stub.fetch("http://room/ws", {
        headers: { Upgrade: "websocket", "X-Liveroom-Activity": a.id },
      });
      await expect(upgrade).rejects.toThrow(refused);
    }
    await expect(runInDurableObject(stub, () => "ran")).rejects.toThrow(refused);
  });

  it("a migration applied but no longer listed: the room refuses to start", async () => {
    const { stub } = await tamperedRoom((sql) => {
      sql.exec(
        "INSERT INTO _migrations (feature, id, name, checksum) VALUES ('quiz', 99, 'gone', '00000000')",
      );
    });
    await expect(runInDurableObject(stub, () => "ran")).rejects.toThrow(
      "migrations: quiz/99 was applied but is no longer listed",
    );
  });
});
