// The outbox's tables. Append-only (kernel/migrations.ts): add a migration, never edit one.
import type { Migration } from "../../kernel/migrations";

export const settlementMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "outbox and drain state",
    // IF NOT EXISTS: rooms written before migrations existed already have these tables.
    up: `
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY, body TEXT NOT NULL, created_ms INTEGER NOT NULL, sent_ms INTEGER
);
-- The drain reads only unsent rows, oldest first: without this, every drain scans the whole outbox.
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (created_ms, key) WHERE sent_ms IS NULL;
CREATE TABLE IF NOT EXISTS drain_state (id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL)`,
  },
];
