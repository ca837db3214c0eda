// D1 tables for users and activities (drizzle-orm). Money is integer cents; times are epoch ms.
// Migrations are generated from this file by `npm run db:generate` (drizzle-kit) into migrations/.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A viewer, host or admin as the platform knows them; the token's `sub` is `id`. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    revivalCards: integer("revival_cards").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [check("users_revival_cards_nonnegative", sql`${t.revivalCards} >= 0`)],
);

/** A live quiz: its questions and rains are rows of `questions` and `rains`. */
export const activities = sqliteTable(
  "activities",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    startAt: integer("start_at").notNull(),
    prizePoolCents: integer("prize_pool_cents").notNull(),
    answerWindowMs: integer("answer_window_ms").notNull(),
    streamUrl: text("stream_url").notNull().default(""),
    /**
     * How much later than the push a viewer may show a question and still get the whole answer window
     * (docs/protocol.md, "Fair answer windows"); 0: no allowance, the window counts from the push.
     */
    streamDelayBudgetMs: integer("stream_delay_budget_ms").notNull().default(0),
    grabCap: integer("grab_cap").notNull(),
    /** Shard objects the room is split into (DESIGN §8, docs/scale.md): fixed at creation. */
    shards: integer("shards").notNull().default(1),
    /** scheduled → live → ended, as the operator drives the room over HTTP. */
    status: text("status", { enum: ["scheduled", "live", "ended"] })
      .notNull()
      .default("scheduled"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("activities_prize_pool_positive", sql`${t.prizePoolCents} > 0`),
    check("activities_grab_cap_positive", sql`${t.grabCap} > 0`),
    index("activities_created_at_idx").on(t.createdAt),
  ],
);

/** Question `idx` (0-based) of an activity; `options` is a JSON array of 2–4 strings. */
export const questions = sqliteTable(
  "questions",
  {
    activityId: text("activity_id")
      .notNull()
      .references(() => activities.id, { onDelete: "cascade" }),
    idx: integer("idx").notNull(),
    text: text("text").notNull(),
    options: text("options", { mode: "json" }).$type<string[]>().notNull(),
    correct: integer("correct").notNull(),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.idx] })],
);

/**
 * Red-packet rain `idx` of an activity. The packet amounts are not stored: they are derived from
 * (total_cents, count, seed) — `rainPackets` in durable-objects/rain/packets.ts.
 */
export const rains = sqliteTable(
  "rains",
  {
    activityId: text("activity_id")
      .notNull()
      .references(() => activities.id, { onDelete: "cascade" }),
    idx: integer("idx").notNull(),
    totalCents: integer("total_cents").notNull(),
    count: integer("count").notNull(),
    targetTapsPerSec: integer("target_taps_per_sec").notNull(),
    durationMs: integer("duration_ms").notNull(),
    seed: text("seed").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.activityId, t.idx] }),
    check("rains_count_le_total", sql`${t.count} >= 1 AND ${t.count} <= ${t.totalCents}`),
  ],
);
