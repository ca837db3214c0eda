// The kernel's tables. Append-only (./migrations.ts): add a migration, never edit one. The kernel's
// list runs before every feature's, so a feature's data move may rely on it.
import type { ActivityConfig } from "../../schema/activity";
import type { Migration } from "./migrations";
import { saveActivityRows } from "./room-store";

export const kernelMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "meta, notifications and schedule",
    // IF NOT EXISTS: rooms written before migrations existed already have these tables.
    up: `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notifications (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS schedule (name TEXT PRIMARY KEY, at_ms INTEGER NOT NULL)`,
  },
  {
    id: 2,
    name: "the activity in rows",
    up: (sql) => {
      sql.exec(`CREATE TABLE activity (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, start_at_ms INTEGER NOT NULL, prize_pool_cents INTEGER NOT NULL,
  answer_window_ms INTEGER NOT NULL, stream_url TEXT NOT NULL, grab_cap INTEGER NOT NULL)`);
      sql.exec(
        "CREATE TABLE activity_questions (idx INTEGER PRIMARY KEY, text TEXT NOT NULL, options TEXT NOT NULL, correct INTEGER NOT NULL)",
      );
      sql.exec(`CREATE TABLE activity_rains (
  idx INTEGER PRIMARY KEY, total_cents INTEGER NOT NULL, count INTEGER NOT NULL,
  target_taps_per_sec INTEGER NOT NULL, duration_ms INTEGER NOT NULL, seed TEXT NOT NULL)`);
      // Before: meta.room held the whole activity, every red packet included, in one value.
      const row = sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'room'").toArray()[0];
      const activity =
        row === undefined ? null : (JSON.parse(row.v) as { activity: ActivityConfig | null }).activity;
      if (activity != null) saveActivityRows(sql, activity);
    },
  },
  {
    id: 3,
    name: "shards: the activity's count and the other shards' online reports",
    up: `
ALTER TABLE activity ADD COLUMN shards INTEGER NOT NULL DEFAULT 1;
CREATE TABLE shard_online (shard INTEGER PRIMARY KEY, online INTEGER NOT NULL)`,
  },
];
