// The danmaku and likes rows of a room object's SQLite. A shard's part: its counters, the batch it
// collects for the coordinator (and the one it sent until it is confirmed), the copy of the room's
// mutes. The coordinator's part: the room's counters and tick, the waiting pool, the shown danmaku,
// the last batch taken from each shard. Synchronous on purpose: the kernel commits a handler's writes
// with its effects.
import type { ShownDanmaku } from "../replay/timeline";
import { type DanmakuCounters, type ShardCounters, ZERO_COUNTERS, ZERO_SHARD_COUNTERS } from "./tick";

/** The coordinator's danmaku state between events. */
export interface DanmakuState {
  counters: DanmakuCounters;
  /** Dropped since the last tick frame (the frame's `dropped`). */
  droppedSince: number;
  /** When the scheduled tick is due, or null when none is (a quiet room sleeps). */
  tickAtMs: number | null;
  /** When the last tick that sent something was due: the next is due a tick later (the cadence). */
  lastTickMs: number | null;
}

/** A shard's danmaku state between events. */
export interface ShardState {
  counters: ShardCounters;
  /** Danmaku offered to the batch being collected (its reservoir's `seen`). */
  seen: number;
  /** Likes counted into the batch being collected. */
  likes: number;
  /** This shard's next own number (the room-wide id is `danmakuId(nextLocal, shard, shards)`). */
  nextLocal: number;
  /** The number the next batch gets: the coordinator takes each shard's batches once, in order. */
  nextBatch: number;
  /** The batch sent and not yet confirmed: sent again, as it is, until it is. */
  sealed: { batch: number; seen: number; likes: number } | null;
  /** When the scheduled forward is due, or null. */
  forwardAtMs: number | null;
  /** When the last forward that sent something was due: the next is due a tick later. */
  lastForwardMs: number | null;
  /** The version of the room's moderation this object holds (the coordinator's own is the room's). */
  mutesV: number;
  /** Slow mode at that version: one danmaku per this many seconds per player (0: off). */
  slowSec: number;
}

/** A danmaku on its way to a tick: accepted by a shard, waiting in a batch or in the coordinator's pool. */
export interface DanmakuItem {
  id: number;
  userId: string;
  text: string;
  streamTsMs: number;
  atMs: number;
}

/**
 * The room's moderation at version `v`, as the coordinator pushes it to every shard: mutes (user id
 * and until when, room clock), shadow mutes, slow mode and the room's own words. The last three are
 * absent in a list pushed before they existed.
 */
export interface MuteList {
  v: number;
  mutes: { userId: string; untilMs: number }[];
  shadow?: string[];
  slowSec?: number;
  words?: string[];
}

const INITIAL: DanmakuState = { counters: ZERO_COUNTERS, droppedSince: 0, tickAtMs: null, lastTickMs: null };
export const INITIAL_SHARD: ShardState = {
  counters: ZERO_SHARD_COUNTERS,
  seen: 0,
  likes: 0,
  nextLocal: 1,
  nextBatch: 1,
  sealed: null,
  forwardAtMs: null,
  lastForwardMs: null,
  mutesV: 0,
  slowSec: 0,
};
/** Versions of the stored values; another version is refused, never cast (migration 2 wrote version 2). */
export const STATE_VERSION = 2;
export const SHARD_STATE_VERSION = 1;
/** The batch being collected: sealed batches take their own number. */
const COLLECTING = 0;

type Row = Record<string, SqlStorageValue>;

function item(r: Row): DanmakuItem {
  return {
    id: Number(r.id),
    userId: String(r.user_id),
    text: String(r.text),
    streamTsMs: Number(r.stream_ts_ms),
    atMs: Number(r.at_ms),
  };
}

export class DanmakuStore {
  constructor(private readonly sql: SqlStorage) {}

  load(): DanmakuState {
    const row = this.sql.exec<Row>("SELECT body FROM danmaku_state WHERE id = 1").toArray()[0];
    if (row === undefined) return INITIAL;
    const { v, ...stored } = JSON.parse(String(row.body)) as DanmakuState & { v: number };
    if (v !== STATE_VERSION) throw new Error(`danmaku_state version ${v} is not ${STATE_VERSION}`);
    return { ...stored, counters: { ...ZERO_COUNTERS, ...stored.counters } };
  }

  save(state: DanmakuState): void {
    const { counters, droppedSince, tickAtMs, lastTickMs } = state;
    this.sql.exec(
      "INSERT INTO danmaku_state (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      JSON.stringify({ v: STATE_VERSION, counters, droppedSince, tickAtMs, lastTickMs }),
    );
  }

  loadShard(): ShardState {
    const row = this.sql.exec<Row>("SELECT body FROM danmaku_shard WHERE id = 1").toArray()[0];
    if (row === undefined) return INITIAL_SHARD;
    const { v, ...stored } = JSON.parse(String(row.body)) as ShardState & { v: number };
    if (v !== SHARD_STATE_VERSION)
      throw new Error(`danmaku_shard version ${v} is not ${SHARD_STATE_VERSION}`);
    return { ...INITIAL_SHARD, ...stored };
  }

  saveShard(state: ShardState): void {
    this.sql.exec(
      "INSERT INTO danmaku_shard (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      JSON.stringify({ v: SHARD_STATE_VERSION, ...state }),
    );
  }

  // ---- a shard's batches ----

  /** Puts a danmaku in a slot of the batch being collected, replacing what the slot held (that one is dropped). */
  putOutgoing(slot: number, d: DanmakuItem): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO danmaku_outgoing (batch, slot, id, user_id, text, stream_ts_ms, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      COLLECTING,
      slot,
      d.id,
      d.userId,
      d.text,
      d.streamTsMs,
      d.atMs,
    );
  }

  /** The ids in the batch being collected, by slot. */
  collectingSlots(): number[] {
    return this.sql
      .exec<Row>("SELECT id FROM danmaku_outgoing WHERE batch = ? ORDER BY slot", COLLECTING)
      .toArray()
      .map((r) => Number(r.id));
  }

  /** Gives the batch being collected its number: it is sent, and sent again, as it is now. */
  seal(batch: number): void {
    this.sql.exec("UPDATE danmaku_outgoing SET batch = ? WHERE batch = ?", batch, COLLECTING);
  }

  outgoing(batch: number): DanmakuItem[] {
    return this.sql
      .exec<Row>("SELECT * FROM danmaku_outgoing WHERE batch = ? ORDER BY id", batch)
      .toArray()
      .map(item);
  }

  /** The coordinator took the batch. */
  dropOutgoing(batch: number): void {
    this.sql.exec("DELETE FROM danmaku_outgoing WHERE batch = ?", batch);
  }

  // ---- the coordinator's pool, ticks and shown list ----

  /** The last batch taken from shard k (0: none yet). */
  lastBatch(shard: number): number {
    const row = this.sql.exec<Row>("SELECT batch FROM danmaku_batches WHERE shard = ?", shard).toArray()[0];
    return row === undefined ? 0 : Number(row.batch);
  }

  setLastBatch(shard: number, batch: number): void {
    this.sql.exec(
      "INSERT INTO danmaku_batches (shard, batch) VALUES (?, ?) ON CONFLICT (shard) DO UPDATE SET batch = excluded.batch",
      shard,
      batch,
    );
  }

  /** The danmaku waiting for a tick. */
  pool(): DanmakuItem[] {
    return this.sql.exec<Row>("SELECT * FROM danmaku_pending ORDER BY slot").toArray().map(item);
  }

  setPool(items: readonly DanmakuItem[]): void {
    this.sql.exec("DELETE FROM danmaku_pending");
    for (const [slot, d] of items.entries()) {
      this.sql.exec(
        "INSERT INTO danmaku_pending (slot, id, user_id, text, stream_ts_ms, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
        slot,
        d.id,
        d.userId,
        d.text,
        d.streamTsMs,
        d.atMs,
      );
    }
  }

  /** Records a tick's danmaku as shown, stamped with the tick. */
  addShown(items: readonly DanmakuItem[], tick: number, tickStreamTsMs: number, tickAtMs: number): void {
    for (const d of items) {
      this.sql.exec(
        "INSERT INTO danmaku_shown (id, tick, user_id, text, stream_ts_ms, tick_stream_ts_ms, tick_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
        d.id,
        tick,
        d.userId,
        d.text,
        d.streamTsMs,
        tickStreamTsMs,
        tickAtMs,
      );
    }
  }

  /** How many danmaku each tick after `afterTick` showed, with its due time (ticks that showed none are not here). */
  recentTicks(afterTick: number): { atMs: number; shown: number }[] {
    return this.sql
      .exec<Row>(
        "SELECT tick_at_ms, COUNT(*) AS n FROM danmaku_shown WHERE tick > ? GROUP BY tick ORDER BY tick",
        afterTick,
      )
      .toArray()
      .map((r) => ({ atMs: Number(r.tick_at_ms), shown: Number(r.n) }));
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

  // ---- mutes: the coordinator's are the room's; a shard holds a copy ----

  mutedUntil(userId: string): number | null {
    const row = this.sql.exec<Row>("SELECT until_ms FROM mutes WHERE user_id = ?", userId).toArray()[0];
    return row === undefined ? null : Number(row.until_ms);
  }

  /** Sets or lifts a mute, and forgets the mutes over by `nowMs` (the list a shard gets stays short). */
  setMute(userId: string, untilMs: number | null, nowMs: number): void {
    this.sql.exec("DELETE FROM mutes WHERE until_ms <= ?", nowMs);
    if (untilMs === null) this.sql.exec("DELETE FROM mutes WHERE user_id = ?", userId);
    else
      this.sql.exec(
        "INSERT INTO mutes (user_id, until_ms) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET until_ms = excluded.until_ms",
        userId,
        untilMs,
      );
  }

  mutes(): { userId: string; untilMs: number }[] {
    return this.sql
      .exec<Row>("SELECT user_id, until_ms FROM mutes ORDER BY user_id")
      .toArray()
      .map((r) => ({ userId: String(r.user_id), untilMs: Number(r.until_ms) }));
  }

  replaceMutes(mutes: readonly { userId: string; untilMs: number }[]): void {
    this.sql.exec("DELETE FROM mutes");
    for (const m of mutes)
      this.sql.exec("INSERT INTO mutes (user_id, until_ms) VALUES (?, ?)", m.userId, m.untilMs);
  }

  // ---- shadow mutes and the room's words: the coordinator's are the room's; a shard holds a copy ----

  isShadowMuted(userId: string): boolean {
    return this.sql.exec("SELECT 1 FROM danmaku_shadow WHERE user_id = ?", userId).toArray().length > 0;
  }

  setShadow(userId: string, on: boolean): void {
    if (on) this.sql.exec("INSERT OR IGNORE INTO danmaku_shadow (user_id) VALUES (?)", userId);
    else this.sql.exec("DELETE FROM danmaku_shadow WHERE user_id = ?", userId);
  }

  shadowMuted(): string[] {
    return this.sql
      .exec<Row>("SELECT user_id FROM danmaku_shadow ORDER BY user_id")
      .toArray()
      .map((r) => String(r.user_id));
  }

  replaceShadow(userIds: readonly string[]): void {
    this.sql.exec("DELETE FROM danmaku_shadow");
    for (const u of userIds) this.sql.exec("INSERT OR IGNORE INTO danmaku_shadow (user_id) VALUES (?)", u);
  }

  /** The room's own blocked words, sorted. */
  roomWords(): string[] {
    return this.sql
      .exec<Row>("SELECT word FROM danmaku_room_words ORDER BY word")
      .toArray()
      .map((r) => String(r.word));
  }

  replaceRoomWords(words: readonly string[]): void {
    this.sql.exec("DELETE FROM danmaku_room_words");
    for (const w of words) this.sql.exec("INSERT OR IGNORE INTO danmaku_room_words (word) VALUES (?)", w);
  }

  // ---- slow mode: a shard's players' last danmaku ----

  lastSent(userId: string): number | null {
    const row = this.sql.exec<Row>("SELECT at_ms FROM danmaku_slow WHERE user_id = ?", userId).toArray()[0];
    return row === undefined ? null : Number(row.at_ms);
  }

  setLastSent(userId: string, atMs: number): void {
    this.sql.exec(
      "INSERT INTO danmaku_slow (user_id, at_ms) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET at_ms = excluded.at_ms",
      userId,
      atMs,
    );
  }

  /** Forgets the last danmaku older than `beforeMs` (they no longer hold anyone back). */
  pruneLastSent(beforeMs: number): void {
    this.sql.exec("DELETE FROM danmaku_slow WHERE at_ms < ?", beforeMs);
  }
}
