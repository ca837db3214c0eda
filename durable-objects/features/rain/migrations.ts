// The rain's tables. Append-only (kernel/migrations.ts): add a migration, never edit one.
import type { Migration } from "../../kernel/migrations";

export const rainMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "rain runs and grants",
    // IF NOT EXISTS: rooms written before migrations existed already have these tables.
    up: `CREATE TABLE IF NOT EXISTS rain_runs (
  rain INTEGER PRIMARY KEY, phase TEXT NOT NULL, ends_at_ms INTEGER NOT NULL,
  cursor INTEGER NOT NULL, end_index INTEGER NOT NULL, started_ms INTEGER NOT NULL,
  stream_ts_ms INTEGER NOT NULL, granted_cents INTEGER NOT NULL, granted_packets INTEGER NOT NULL,
  grabs INTEGER NOT NULL, throttled INTEGER NOT NULL, throttle_ppm INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
  rain INTEGER NOT NULL, packet_index INTEGER NOT NULL, user_id TEXT NOT NULL, replay_id TEXT NOT NULL,
  amount_cents INTEGER NOT NULL, grabbed INTEGER NOT NULL, at_ms INTEGER NOT NULL,
  PRIMARY KEY (rain, packet_index), UNIQUE (user_id, rain, replay_id)
);
CREATE INDEX IF NOT EXISTS grants_by_user ON grants (user_id)`,
  },
  {
    id: 2,
    name: "shards: a shard's part of each rain, its slices of the pool, the slices given back",
    up: `
CREATE TABLE rain_shard (
  rain INTEGER PRIMARY KEY, granted_cents INTEGER NOT NULL, granted_packets INTEGER NOT NULL,
  grabs INTEGER NOT NULL, throttled INTEGER NOT NULL, tail INTEGER NOT NULL
);
CREATE TABLE rain_holdings (
  rain INTEGER NOT NULL, start INTEGER NOT NULL, end_index INTEGER NOT NULL, cursor INTEGER NOT NULL,
  PRIMARY KEY (rain, start)
);
CREATE TABLE rain_returned (rain INTEGER NOT NULL, start INTEGER NOT NULL, end_index INTEGER NOT NULL,
  PRIMARY KEY (rain, start));
-- Before shards the room granted from its own cursor: its counters are its one shard's part.
INSERT INTO rain_shard (rain, granted_cents, granted_packets, grabs, throttled, tail)
  SELECT rain, granted_cents, granted_packets, grabs, throttled, 0 FROM rain_runs`,
  },
];
