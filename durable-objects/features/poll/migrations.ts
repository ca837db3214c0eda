// The poll's tables. Append-only (kernel/migrations.ts): add a migration, never edit one.
import type { Migration } from "../../kernel/migrations";

export const pollMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "polls, votes and the tick state",
    up: `CREATE TABLE polls (
  id INTEGER PRIMARY KEY, question TEXT NOT NULL, choices TEXT NOT NULL, totals TEXT NOT NULL,
  opened_at_ms INTEGER NOT NULL, ends_at_ms INTEGER, closed_at_ms INTEGER, timed_out INTEGER NOT NULL DEFAULT 0);
CREATE TABLE poll_votes (
  poll_id INTEGER NOT NULL, user_id TEXT NOT NULL, choice INTEGER NOT NULL, at_ms INTEGER NOT NULL,
  PRIMARY KEY (poll_id, user_id));
CREATE TABLE poll_state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)`,
  },
];
