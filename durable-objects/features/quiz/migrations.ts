// The quiz's tables. Append-only (kernel/migrations.ts): add a migration, never edit one.
import type { Migration } from "../../kernel/migrations";

export const quizMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "players, answers and counts",
    // IF NOT EXISTS: rooms written before migrations existed already have these tables.
    up: `
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
CREATE TABLE IF NOT EXISTS quiz_state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)`,
  },
  {
    id: 2,
    name: "quiz state out of the room's meta value",
    // Before: meta.room held the phase machine and the whole activity (every packet) in one value.
    // The activity moved to the kernel's activity tables (kernel migration 2); the rest is small.
    up: (sql) => {
      const hasMeta = sql
        .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
        .toArray();
      if (hasMeta.length === 0) return;
      const row = sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'room'").toArray()[0];
      if (row === undefined) return;
      const { phase, current, reveal, gameOver } = JSON.parse(row.v) as Record<string, unknown>;
      sql.exec(
        "INSERT OR REPLACE INTO quiz_state (id, body) VALUES (1, ?)",
        JSON.stringify({ v: 1, phase, current, reveal, gameOver }),
      );
      // The kernel's activity migration ran first (kernel lists precede features) and copied the activity.
      sql.exec("DELETE FROM meta WHERE k = 'room'");
      // Cards copied into a row before escrows existed were never taken from the D1 balance, and the
      // consumer no longer debits on use: out of play here, so no card is ever used uncovered (the
      // player keeps it in D1 for their next game). A card used before the upgrade was debited then.
      sql.exec("UPDATE players SET revival_cards = 0 WHERE revival_used = 0");
    },
  },
  {
    id: 3,
    name: "shards: a shard's own window and awards, the coordinator's shares by shard",
    up: `
CREATE TABLE quiz_shard (id INTEGER PRIMARY KEY CHECK (id = 1), closed_through INTEGER NOT NULL, awarded INTEGER NOT NULL);
CREATE TABLE quiz_awards (shard INTEGER NOT NULL, user_id TEXT NOT NULL, cents INTEGER NOT NULL,
  PRIMARY KEY (shard, user_id))`,
  },
];
