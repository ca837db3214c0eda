// The replay's tables. Append-only (kernel/migrations.ts): add a migration, never edit one.
import type { Migration } from "../../kernel/migrations";
import { legacySocialState } from "../danmaku/migrations";

export const replayMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "timeline and stream anchor",
    up: (sql) => {
      sql.exec(
        "CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)",
      );
      sql.exec(
        "CREATE TABLE replay_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), stream_ts_ms INTEGER NOT NULL, at_ms INTEGER NOT NULL)",
      );
      // Rooms written before migrations kept the anchor in the shared social state value.
      const anchor = legacySocialState(sql)?.anchor as
        | { streamTsMs: number; atMs: number }
        | null
        | undefined;
      if (anchor != null) {
        sql.exec(
          "INSERT INTO replay_anchor (id, stream_ts_ms, at_ms) VALUES (1, ?, ?)",
          anchor.streamTsMs,
          anchor.atMs,
        );
      }
      // The danmaku and gifts migrations (listed before this one) have taken their parts already.
      sql.exec("DROP TABLE IF EXISTS social_meta");
    },
  },
];
