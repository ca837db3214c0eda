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
];
