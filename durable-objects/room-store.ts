// The room's Durable Object SQLite storage: every table keyed so that a room could later be
// split into shards by player hash. Synchronous on purpose: writes with no await between them
// commit together, and the output gate holds replies until they are durable.
import { applySchema } from "./sql-schema";
import type { OutcomeValue, PlayerState, PlayerStatus, RoomState } from "./quiz/state";
import { initialRoomState } from "./quiz/state";
import { DRAIN_SCHEDULE } from "./outbox-store";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS players (
  user_id TEXT PRIMARY KEY, status TEXT NOT NULL, passed INTEGER NOT NULL,
  revival_cards INTEGER NOT NULL, revival_used INTEGER NOT NULL, prize_cents INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS answers (
  question INTEGER NOT NULL, user_id TEXT NOT NULL, option INTEGER NOT NULL, outcome INTEGER NOT NULL,
  at_ms INTEGER NOT NULL, PRIMARY KEY (question, user_id)
);
CREATE TABLE IF NOT EXISTS counts (question INTEGER NOT NULL, option INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (question, option));
CREATE TABLE IF NOT EXISTS notifications (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY, body TEXT NOT NULL, created_ms INTEGER NOT NULL, sent_ms INTEGER
);
-- The drain reads only unsent rows, oldest first: without this, every drain scans the whole outbox.
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (created_ms, key) WHERE sent_ms IS NULL;
CREATE TABLE IF NOT EXISTS schedule (name TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
`;

/** How many notifications a room keeps for clients that resume; older ones are pruned. */
export const NOTIFICATION_RETENTION = 10_000;

type Row = Record<string, SqlStorageValue>;

export class RoomStore {
  constructor(private readonly sql: SqlStorage) {
    applySchema(sql, SCHEMA);
  }

  loadRoom(): { room: RoomState; seq: number } {
    const room = this.#meta("room");
    const seq = this.#meta("seq");
    return {
      room: room === null ? initialRoomState : (JSON.parse(room) as RoomState),
      seq: seq === null ? 0 : Number(seq),
    };
  }

  saveRoom(room: RoomState): void {
    this.#setMeta("room", JSON.stringify(room));
  }

  getPlayer(userId: string): PlayerState | null {
    const row = this.sql.exec<Row>("SELECT * FROM players WHERE user_id = ?", userId).toArray()[0];
    return row === undefined ? null : toPlayer(row);
  }

  /**
   * The player's row and whether they already answered `question`, in one statement (the answer
   * path's only read). Null when the player has no row yet.
   */
  playerAndAnswer(question: number, userId: string): { player: PlayerState; answered: boolean } | null {
    const row = this.sql
      .exec<Row>(
        `SELECT p.*, a.outcome AS answered_outcome FROM players p
         LEFT JOIN answers a ON a.question = ? AND a.user_id = p.user_id WHERE p.user_id = ?`,
        question,
        userId,
      )
      .toArray()[0];
    return row === undefined ? null : { player: toPlayer(row), answered: row.answered_outcome !== null };
  }

  /** Creates the player's row if missing; an existing row (and its cards) is kept. */
  ensurePlayer(userId: string, revivalCards: number): PlayerState {
    this.sql.exec(
      "INSERT OR IGNORE INTO players (user_id, status, passed, revival_cards, revival_used) VALUES (?, 'spectator', -1, ?, 0)",
      userId,
      revivalCards,
    );
    return this.getPlayer(userId)!;
  }

  putPlayer(p: PlayerState): void {
    this.sql.exec(
      "UPDATE players SET status = ?, passed = ?, revival_cards = ?, revival_used = ? WHERE user_id = ?",
      p.status,
      p.passed,
      p.revivalCards,
      p.revivalUsed ? 1 : 0,
      p.userId,
    );
  }

  prizeCents(userId: string): number {
    const row = this.sql.exec<Row>("SELECT prize_cents FROM players WHERE user_id = ?", userId).toArray()[0];
    return row === undefined ? 0 : Number(row.prize_cents);
  }

  setWinner(userId: string, cents: number): void {
    this.sql.exec("UPDATE players SET status = 'winner', prize_cents = ? WHERE user_id = ?", cents, userId);
  }

  answerOutcome(question: number, userId: string): OutcomeValue | null {
    const row = this.sql
      .exec<Row>("SELECT outcome FROM answers WHERE question = ? AND user_id = ?", question, userId)
      .toArray()[0];
    return row === undefined ? null : (Number(row.outcome) as OutcomeValue);
  }

  recordAnswer(question: number, userId: string, option: number, outcome: OutcomeValue, atMs: number): void {
    this.sql.exec(
      "INSERT INTO answers (question, user_id, option, outcome, at_ms) VALUES (?, ?, ?, ?, ?)",
      question,
      userId,
      option,
      outcome,
      atMs,
    );
    this.sql.exec(
      "INSERT INTO counts (question, option, n) VALUES (?, ?, 1) ON CONFLICT (question, option) DO UPDATE SET n = n + 1",
      question,
      option,
    );
  }

  counts(question: number, options: number): number[] {
    const counts = new Array<number>(options).fill(0);
    for (const row of this.sql.exec<Row>("SELECT option, n FROM counts WHERE question = ?", question)) {
      counts[Number(row.option)] = Number(row.n);
    }
    return counts;
  }

  /** Playing players with no answer to `question`: the ones its closing window settles. */
  missedAnswer(question: number): PlayerState[] {
    return this.sql
      .exec<Row>("SELECT * FROM players WHERE status = 'playing' AND passed < ?", question)
      .toArray()
      .map(toPlayer);
  }

  /** Players who passed every question up to `last`, by user id. */
  survivors(last: number): string[] {
    return this.sql
      .exec<Row>("SELECT user_id FROM players WHERE status = 'playing' AND passed = ? ORDER BY user_id", last)
      .toArray()
      .map((r) => String(r.user_id));
  }

  playerCounts(): { players: number; alive: number } {
    const row = this.sql
      .exec<Row>(
        "SELECT SUM(status != 'spectator') AS players, SUM(status IN ('playing', 'winner')) AS alive FROM players",
      )
      .one();
    return { players: Number(row.players ?? 0), alive: Number(row.alive ?? 0) };
  }

  /** Appends a numbered notification and moves the room sequence to it, in one write. */
  appendNotification(seq: number, bytes: Uint8Array): void {
    this.sql.exec("INSERT INTO notifications (seq, bytes) VALUES (?, ?)", seq, bytes);
    this.#setMeta("seq", String(seq));
    if (seq % 100 === 0)
      this.sql.exec("DELETE FROM notifications WHERE seq <= ?", seq - NOTIFICATION_RETENTION);
  }

  /** The stored notifications after `seq` in order, and the oldest one still kept. */
  notificationsAfter(seq: number): { oldest: number; frames: Uint8Array[] } {
    const oldest = this.sql.exec<Row>("SELECT MIN(seq) AS s FROM notifications").one().s;
    const frames = this.sql
      .exec<Row>("SELECT bytes FROM notifications WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((r) => new Uint8Array(r.bytes as ArrayBuffer));
    return { oldest: oldest === null ? 0 : Number(oldest), frames };
  }

  /**
   * Adds a settlement event to the outbox; the same key twice keeps the first. Schedules the drain
   * in the same write unless one is already scheduled (possibly backing off), so no row is left behind.
   */
  addOutbox(key: string, body: object, nowMs: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO outbox (key, body, created_ms) VALUES (?, ?, ?)",
      key,
      JSON.stringify({ key, ...body }),
      nowMs,
    );
    this.sql.exec("INSERT OR IGNORE INTO schedule (name, at_ms) VALUES (?, ?)", DRAIN_SCHEDULE, nowMs);
  }

  outbox(): { key: string; body: string; sentMs: number | null }[] {
    return this.sql
      .exec<Row>("SELECT key, body, sent_ms FROM outbox ORDER BY created_ms, key")
      .toArray()
      .map((r) => ({
        key: String(r.key),
        body: String(r.body),
        sentMs: r.sent_ms === null ? null : Number(r.sent_ms),
      }));
  }

  schedule(name: string, atMs: number): void {
    this.sql.exec(
      "INSERT INTO schedule (name, at_ms) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET at_ms = excluded.at_ms",
      name,
      atMs,
    );
  }

  unschedule(name: string): void {
    this.sql.exec("DELETE FROM schedule WHERE name = ?", name);
  }

  scheduled(): { name: string; atMs: number }[] {
    return this.sql
      .exec<Row>("SELECT name, at_ms FROM schedule ORDER BY at_ms")
      .toArray()
      .map((r) => ({ name: String(r.name), atMs: Number(r.at_ms) }));
  }

  #meta(k: string): string | null {
    const row = this.sql.exec<Row>("SELECT v FROM meta WHERE k = ?", k).toArray()[0];
    return row === undefined ? null : String(row.v);
  }

  #setMeta(k: string, v: string): void {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
  }
}

function toPlayer(row: Row): PlayerState {
  return {
    userId: String(row.user_id),
    status: String(row.status) as PlayerStatus,
    passed: Number(row.passed),
    revivalCards: Number(row.revival_cards),
    revivalUsed: Number(row.revival_used) === 1,
  };
}
