// A room's storage as rooms wrote it before migrations existed (commit 5d5d879): the CREATE
// statements of durable-objects/room-store.ts, rain-store.ts, social-store.ts and outbox-store.ts
// exactly as they were, and the two JSON values (meta 'room', social_meta 'state'). Do not edit:
// rooms in production hold this schema, and room-upgrade.test.ts migrates a room written with it.
import type { ActivityConfig, RainConfig } from "../../../schema/activity";

/** durable-objects/room-store.ts at 5d5d879. */
export const LEGACY_ROOM_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
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
CREATE TABLE IF NOT EXISTS notifications (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY, body TEXT NOT NULL, created_ms INTEGER NOT NULL, sent_ms INTEGER
);
-- The drain reads only unsent rows, oldest first: without this, every drain scans the whole outbox.
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (created_ms, key) WHERE sent_ms IS NULL;
CREATE TABLE IF NOT EXISTS schedule (name TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
`;

/** durable-objects/rain-store.ts at 5d5d879. */
export const LEGACY_RAIN_SCHEMA = `
CREATE TABLE IF NOT EXISTS rain_runs (
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
CREATE INDEX IF NOT EXISTS grants_by_user ON grants (user_id);
`;

/** durable-objects/social-store.ts at 5d5d879. */
export const LEGACY_SOCIAL_SCHEMA = `
CREATE TABLE IF NOT EXISTS social_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS danmaku_pending (
  slot INTEGER PRIMARY KEY, id INTEGER NOT NULL, user_id TEXT NOT NULL, text TEXT NOT NULL,
  stream_ts_ms INTEGER NOT NULL, at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS danmaku_shown (
  id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, user_id TEXT NOT NULL, text TEXT NOT NULL,
  stream_ts_ms INTEGER NOT NULL, tick_stream_ts_ms INTEGER NOT NULL, tick_at_ms INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mutes (user_id TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS room_gifts (
  user_id TEXT NOT NULL, key TEXT NOT NULL, gift_id TEXT NOT NULL, quantity INTEGER NOT NULL,
  coins INTEGER NOT NULL, at_ms INTEGER NOT NULL, PRIMARY KEY (user_id, key)
);
CREATE TABLE IF NOT EXISTS gifters (user_id TEXT PRIMARY KEY, coins INTEGER NOT NULL, gifts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
`;

/** durable-objects/outbox-store.ts at 5d5d879 (its constructor's one statement). */
export const LEGACY_DRAIN_SCHEMA =
  "CREATE TABLE IF NOT EXISTS drain_state (id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL)";

/**
 * Creates the legacy tables as the old room's constructors did: RoomStore, RainStore, SocialStore,
 * OutboxStore, each schema split on ';' (the old applySchema).
 */
export function createLegacyTables(sql: SqlStorage): void {
  for (const schema of [LEGACY_ROOM_SCHEMA, LEGACY_RAIN_SCHEMA, LEGACY_SOCIAL_SCHEMA, LEGACY_DRAIN_SCHEMA]) {
    for (const statement of schema.split(";")) if (statement.trim()) sql.exec(statement);
  }
}

/** A rain as the old activity held it: every packet amount precomputed and stored with it. */
export type LegacyRain = RainConfig & { packets: number[] };

/** The activity as the old meta value held it. */
export type LegacyActivity = Omit<ActivityConfig, "rains"> & { rains: LegacyRain[] };

/** meta k='room' (the old RoomState): the phase machine and the whole activity, in one value. */
export interface LegacyRoomState {
  activity: LegacyActivity | null;
  phase: "created" | "lobby" | "asking" | "closed" | "revealed" | "ended";
  current: { index: number; deadlineMs: number; windowMs: number; streamTsMs: number; keyB64: string } | null;
  reveal: { question: number; correct: number; keyB64: string; counts: number[]; streamTsMs: number } | null;
  gameOver: { prizePoolCents: number; winners: number; baseShareCents: number; remainder: number } | null;
}

/** social_meta k='state' (the old SocialState). */
export interface LegacySocialState {
  counters: {
    in: number;
    shown: number;
    dropped: number;
    blocked: number;
    refused: number;
    deleted: number;
    likes: number;
    likesShown: number;
    ticks: number;
  };
  seen: number;
  nextId: number;
  tickAtMs: number | null;
  anchor: { streamTsMs: number; atMs: number } | null;
  gifts: number;
  giftCoins: number;
}
