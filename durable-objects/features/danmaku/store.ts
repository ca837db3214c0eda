// The danmaku and likes rows of a room's SQLite: the tick's state, the pending reservoir, the shown
// danmaku and the mutes. Synchronous on purpose: the kernel commits a handler's writes with its effects.
import { type DanmakuCounters, ZERO_COUNTERS } from "./tick";
import type { ShownDanmaku } from "../replay/timeline";

/** The room's danmaku state between events: counters (likes included) and the tick being collected. */
export interface DanmakuState {
  counters: DanmakuCounters;
  /** Danmaku offered to the current tick's reservoir (its `seen`). */
  seen: number;
  /** The id the next accepted danmaku gets. */
  nextId: number;
  /** When the scheduled tick fires, or null when none is (a quiet room sleeps). */
  tickAtMs: number | null;
}

const INITIAL: DanmakuState = { counters: ZERO_COUNTERS, seen: 0, nextId: 1, tickAtMs: null };
/** Version of the stored state value; another version is refused, never cast. */
const STATE_VERSION = 1;

/** One danmaku waiting for its tick, in reservoir slot `slot`. */
export interface PendingDanmaku {
  slot: number;
  id: number;
  userId: string;
  text: string;
  streamTsMs: number;
  atMs: number;
}

type Row = Record<string, SqlStorageValue>;

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
    const { counters, seen, nextId, tickAtMs } = state;
    this.sql.exec(
      "INSERT INTO danmaku_state (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      JSON.stringify({ v: STATE_VERSION, counters, seen, nextId, tickAtMs }),
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
}
