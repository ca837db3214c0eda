// The danmaku's tables. Append-only (kernel/migrations.ts): add a migration, never edit one.
import type { Migration } from "../../kernel/migrations";

/**
 * The state value rooms kept before migrations existed (`social_meta.state`: danmaku counters, the
 * tick, gift totals and the stream anchor in one value), or null. The danmaku, gifts and replay
 * migrations each take their part of it.
 */
export function legacySocialState(sql: Pick<SqlStorage, "exec">): Record<string, unknown> | null {
  const table = sql
    .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'social_meta'")
    .toArray();
  if (table.length === 0) return null;
  const row = sql.exec<{ v: string }>("SELECT v FROM social_meta WHERE k = 'state'").toArray()[0];
  return row === undefined ? null : (JSON.parse(row.v) as Record<string, unknown>);
}

export const danmakuMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "pending, shown, mutes and the tick state",
    up: (sql) => {
      sql.exec(`CREATE TABLE IF NOT EXISTS danmaku_pending (
  slot INTEGER PRIMARY KEY, id INTEGER NOT NULL, user_id TEXT NOT NULL, text TEXT NOT NULL,
  stream_ts_ms INTEGER NOT NULL, at_ms INTEGER NOT NULL)`);
      sql.exec(`CREATE TABLE IF NOT EXISTS danmaku_shown (
  id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, user_id TEXT NOT NULL, text TEXT NOT NULL,
  stream_ts_ms INTEGER NOT NULL, tick_stream_ts_ms INTEGER NOT NULL, tick_at_ms INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0)`);
      sql.exec("CREATE TABLE IF NOT EXISTS mutes (user_id TEXT PRIMARY KEY, until_ms INTEGER NOT NULL)");
      sql.exec("CREATE TABLE danmaku_state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)");
      const legacy = legacySocialState(sql);
      if (legacy !== null) {
        const { counters, seen, nextId, tickAtMs } = legacy;
        sql.exec(
          "INSERT INTO danmaku_state (id, body) VALUES (1, ?)",
          JSON.stringify({ v: 1, counters, seen, nextId, tickAtMs }),
        );
      }
    },
  },
  {
    id: 2,
    name: "split per shard: a shard's batches and counters, the coordinator's pool and shards' batch numbers",
    up: (sql) => {
      sql.exec(`CREATE TABLE danmaku_outgoing (
  batch INTEGER NOT NULL, slot INTEGER NOT NULL, id INTEGER NOT NULL, user_id TEXT NOT NULL,
  text TEXT NOT NULL, stream_ts_ms INTEGER NOT NULL, at_ms INTEGER NOT NULL, PRIMARY KEY (batch, slot))`);
      sql.exec("CREATE TABLE danmaku_shard (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)");
      sql.exec("CREATE TABLE danmaku_batches (shard INTEGER PRIMARY KEY, batch INTEGER NOT NULL)");
      const row = sql.exec<{ body: string }>("SELECT body FROM danmaku_state WHERE id = 1").toArray()[0];
      if (row === undefined) return;
      // A room from before the split was one object: its decisions move to its shard part (shard 0),
      // the tick's reservoir becomes the waiting pool (what it saw beyond its slots was dropped).
      const old = JSON.parse(row.body) as {
        counters?: Partial<
          Record<
            "in" | "shown" | "dropped" | "blocked" | "refused" | "deleted" | "likes" | "likesShown" | "ticks",
            number
          >
        >;
        seen?: number;
        nextId?: number;
        tickAtMs?: number | null;
      };
      const c = old.counters ?? {};
      const kept = Number(sql.exec<{ n: number }>("SELECT count(*) AS n FROM danmaku_pending").one().n);
      const lost = Math.max(0, (old.seen ?? 0) - kept);
      const counters = {
        shown: c.shown ?? 0,
        dropped: (c.dropped ?? 0) + lost,
        deleted: c.deleted ?? 0,
        likes: c.likes ?? 0,
        likesShown: c.likesShown ?? 0,
        ticks: c.ticks ?? 0,
      };
      sql.exec(
        "UPDATE danmaku_state SET body = ? WHERE id = 1",
        JSON.stringify({
          v: 2,
          counters,
          droppedSince: lost,
          tickAtMs: old.tickAtMs ?? null,
          lastTickMs: null,
        }),
      );
      sql.exec(
        "INSERT INTO danmaku_shard (id, body) VALUES (1, ?)",
        JSON.stringify({
          v: 1,
          counters: { in: c.in ?? 0, blocked: c.blocked ?? 0, refused: c.refused ?? 0 },
          seen: 0,
          likes: 0,
          nextLocal: old.nextId ?? 1,
          nextBatch: 1,
          sealed: null,
          forwardAtMs: null,
          lastForwardMs: null,
          mutesV: 0,
        }),
      );
    },
  },
  {
    id: 3,
    name: "moderation: shadow mutes, the room's own words, each player's last danmaku for slow mode",
    up: (sql) => {
      sql.exec("CREATE TABLE danmaku_shadow (user_id TEXT PRIMARY KEY)");
      sql.exec("CREATE TABLE danmaku_room_words (word TEXT PRIMARY KEY)");
      sql.exec("CREATE TABLE danmaku_slow (user_id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL)");
    },
  },
];
