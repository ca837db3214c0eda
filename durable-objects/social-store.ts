// The danmaku, likes, gifts and timeline tables of a room's Durable Object SQLite storage, beside
// RoomStore's (same database). Synchronous on purpose: writes with no await between them commit
// together, and the output gate holds replies until they are durable.
import { applySchema } from "./sql-schema";
import { type DanmakuCounters, ZERO_COUNTERS } from "./danmaku/tick";
import type { StreamAnchor } from "./replay/stream-clock";
import type { TimelineEvent } from "../schema/replay";
import type { ShownDanmaku } from "./replay/timeline";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS social_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS danmaku_pending (
  slot INTEGER PRIMARY KEY, id INTEGER NOT NULL, user_id TEXT NOT NULL, text TEXT NOT NULL,
  stream_ts_ms INTEGER NOT NULL, at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS danmaku_shown (
  id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, user_id TEXT NOT NULL, text TEXT NOT NULL,
  stream_ts_ms INTEGER NOT NULL, tick_stream_ts_ms INTEGER NOT NULL, tick_at_ms INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mutes (user_id TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS room_gifts (
  user_id TEXT NOT NULL, key TEXT NOT NULL, gift_id TEXT NOT NULL, quantity INTEGER NOT NULL,
  coins INTEGER NOT NULL, at_ms INTEGER NOT NULL, PRIMARY KEY (user_id, key)
);
CREATE TABLE IF NOT EXISTS gifters (user_id TEXT PRIMARY KEY, coins INTEGER NOT NULL, gifts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
`;

/** The room's danmaku state between events: counters, the tick being collected, the stream clock. */
export interface SocialState {
  counters: DanmakuCounters;
  /** Danmaku offered to the current tick's reservoir (its `seen`). */
  seen: number;
  /** The id the next accepted danmaku gets. */
  nextId: number;
  /** When the scheduled tick fires, or null when none is (a quiet room sleeps). */
  tickAtMs: number | null;
  anchor: StreamAnchor | null;
  gifts: number;
  giftCoins: number;
}

const INITIAL: SocialState = {
  counters: ZERO_COUNTERS,
  seen: 0,
  nextId: 1,
  tickAtMs: null,
  anchor: null,
  gifts: 0,
  giftCoins: 0,
};

/** One danmaku waiting for its tick, in reservoir slot `slot`. */
export interface PendingDanmaku {
  slot: number;
  id: number;
  userId: string;
  text: string;
  streamTsMs: number;
  atMs: number;
}

/** A gift as the room recorded it, under the sender's idempotency key. */
export interface RoomGift {
  giftId: string;
  quantity: number;
  coins: number;
}

type Row = Record<string, SqlStorageValue>;

export class SocialStore {
  constructor(private readonly sql: SqlStorage) {
    applySchema(sql, SCHEMA);
  }

  load(): SocialState {
    const row = this.sql.exec<Row>("SELECT v FROM social_meta WHERE k = 'state'").toArray()[0];
    if (row === undefined) return INITIAL;
    const stored = JSON.parse(String(row.v)) as Partial<SocialState>;
    return { ...INITIAL, ...stored, counters: { ...ZERO_COUNTERS, ...stored.counters } };
  }

  save(state: SocialState): void {
    this.sql.exec(
      "INSERT INTO social_meta (k, v) VALUES ('state', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
      JSON.stringify(state),
    );
  }

  /** Puts a danmaku in a reservoir slot, replacing whatever the slot held (that one is dropped). */
  putPending(d: PendingDanmaku): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO danmaku_pending (slot, id, user_id, text, stream_ts_ms, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
      d.slot,
      d.id,
      d.userId,
      d.text,
      d.streamTsMs,
      d.atMs,
    );
  }

  /** The current tick's kept danmaku, in arrival (id) order. */
  pending(): PendingDanmaku[] {
    return this.sql
      .exec<Row>("SELECT * FROM danmaku_pending ORDER BY id")
      .toArray()
      .map((r) => ({
        slot: Number(r.slot),
        id: Number(r.id),
        userId: String(r.user_id),
        text: String(r.text),
        streamTsMs: Number(r.stream_ts_ms),
        atMs: Number(r.at_ms),
      }));
  }

  /** Moves the tick's kept danmaku to the shown list, stamped with the tick. */
  showPending(tick: number, tickStreamTsMs: number, tickAtMs: number): void {
    this.sql.exec(
      "INSERT INTO danmaku_shown (id, tick, user_id, text, stream_ts_ms, tick_stream_ts_ms, tick_at_ms) " +
        "SELECT id, ?, user_id, text, stream_ts_ms, ?, ? FROM danmaku_pending",
      tick,
      tickStreamTsMs,
      tickAtMs,
    );
    this.sql.exec("DELETE FROM danmaku_pending");
  }

  shownState(id: number): "shown" | "deleted" | "unknown" {
    const row = this.sql.exec<Row>("SELECT deleted FROM danmaku_shown WHERE id = ?", id).toArray()[0];
    if (row === undefined) return "unknown";
    return Number(row.deleted) === 1 ? "deleted" : "shown";
  }

  markDeleted(id: number): void {
    this.sql.exec("UPDATE danmaku_shown SET deleted = 1 WHERE id = ?", id);
  }

  shown(): ShownDanmaku[] {
    return this.sql
      .exec<Row>("SELECT * FROM danmaku_shown ORDER BY id")
      .toArray()
      .map((r) => ({
        id: Number(r.id),
        userId: String(r.user_id),
        text: String(r.text),
        streamTsMs: Number(r.stream_ts_ms),
        tick: Number(r.tick),
        tickStreamTsMs: Number(r.tick_stream_ts_ms),
        tickAtMs: Number(r.tick_at_ms),
        deleted: Number(r.deleted) === 1,
      }));
  }

  mutedUntil(userId: string): number | null {
    const row = this.sql.exec<Row>("SELECT until_ms FROM mutes WHERE user_id = ?", userId).toArray()[0];
    return row === undefined ? null : Number(row.until_ms);
  }

  setMute(userId: string, untilMs: number | null): void {
    if (untilMs === null) this.sql.exec("DELETE FROM mutes WHERE user_id = ?", userId);
    else
      this.sql.exec(
        "INSERT INTO mutes (user_id, until_ms) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET until_ms = excluded.until_ms",
        userId,
        untilMs,
      );
  }

  gift(userId: string, key: string): RoomGift | null {
    const row = this.sql
      .exec<Row>("SELECT gift_id, quantity, coins FROM room_gifts WHERE user_id = ? AND key = ?", userId, key)
      .toArray()[0];
    return row === undefined
      ? null
      : { giftId: String(row.gift_id), quantity: Number(row.quantity), coins: Number(row.coins) };
  }

  /**
   * Records a paid gift and adds it to the sender's leaderboard total, once per (user, key).
   * Returns the sender's total, or null when the key was recorded before (nothing added).
   */
  recordGift(userId: string, key: string, g: RoomGift, atMs: number): number | null {
    const inserted = this.sql.exec(
      "INSERT OR IGNORE INTO room_gifts (user_id, key, gift_id, quantity, coins, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
      userId,
      key,
      g.giftId,
      g.quantity,
      g.coins,
      atMs,
    ).rowsWritten;
    if (inserted === 0) return null;
    this.sql.exec(
      "INSERT INTO gifters (user_id, coins, gifts) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET coins = coins + excluded.coins, gifts = gifts + excluded.gifts",
      userId,
      g.coins,
      g.quantity,
    );
    return Number(this.sql.exec<Row>("SELECT coins FROM gifters WHERE user_id = ?", userId).one().coins);
  }

  gifters(): { userId: string; coins: number }[] {
    return this.sql
      .exec<Row>("SELECT user_id, coins FROM gifters")
      .toArray()
      .map((r) => ({ userId: String(r.user_id), coins: Number(r.coins) }));
  }

  appendTimeline(event: TimelineEvent): void {
    this.sql.exec("INSERT INTO timeline (body) VALUES (?)", JSON.stringify(event));
  }

  timeline(): TimelineEvent[] {
    return this.sql
      .exec<Row>("SELECT body FROM timeline ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(String(r.body)) as TimelineEvent);
  }
}
