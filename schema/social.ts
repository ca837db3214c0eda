// D1 tables for the social side of a room (drizzle-orm): the gift catalog and the coins ledger,
// activity hosts, invite codes, the danmaku word list and replay archives. Coins are integers.
// Balances and invite rewards are kept by SQL triggers (migrations/0004_social_triggers.sql,
// hand-written: drizzle-kit does not generate triggers), following the money ledger's rule: a
// balance moves only when a transfer row is really inserted (docs/live-room.md).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A gift viewers can send, priced in coins. Disabled gifts stay for history but cannot be sent. */
export const gifts = sqliteTable(
  "gifts",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    priceCoins: integer("price_coins").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("gifts_price_positive", sql`typeof(${t.priceCoins}) = 'integer' AND ${t.priceCoins} > 0`)],
);

/** Coin account kinds, from the id's prefix: `user:alice`, or `issuance` (coins bought or granted). */
export const COIN_ACCOUNT_KINDS = ["user", "issuance"] as const;
/** Why coins moved: a top-up from issuance, or a gift from a viewer to a host. */
export const COIN_TRANSFER_KINDS = ["grant", "gift"] as const;

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/** One coin account and its balance; created by the posting trigger on first use. Only issuance goes negative. */
export const coinAccounts = sqliteTable(
  "coin_accounts",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: COIN_ACCOUNT_KINDS }).notNull(),
    balanceCoins: integer("balance_coins").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("coin_accounts_kind", sql`${t.kind} IN (${inList(COIN_ACCOUNT_KINDS)})`),
    check("coin_accounts_nonnegative", sql`${t.balanceCoins} >= 0 OR ${t.kind} = 'issuance'`),
  ],
);

/** One movement of coins; `key` is the idempotency key, never posted twice. Immutable. */
export const coinTransfers = sqliteTable(
  "coin_transfers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    fromAccount: text("from_account").notNull(),
    toAccount: text("to_account").notNull(),
    amountCoins: integer("amount_coins").notNull(),
    kind: text("kind", { enum: COIN_TRANSFER_KINDS }).notNull(),
    activityId: text("activity_id"),
    /** The sender of a gift, or the user a grant tops up. */
    userId: text("user_id"),
    giftId: text("gift_id"),
    quantity: integer("quantity"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("coin_transfers_key_unique").on(t.key),
    check(
      "coin_transfers_amount_positive",
      sql`typeof(${t.amountCoins}) = 'integer' AND ${t.amountCoins} > 0`,
    ),
    check("coin_transfers_distinct_accounts", sql`${t.fromAccount} <> ${t.toAccount}`),
    check("coin_transfers_kind", sql`${t.kind} IN (${inList(COIN_TRANSFER_KINDS)})`),
    index("coin_transfers_activity_idx").on(t.activityId, t.kind, t.userId),
  ],
);

/** The user an activity's gifts are credited to (assigned by an admin). */
export const activityHosts = sqliteTable("activity_hosts", {
  activityId: text("activity_id").primaryKey(),
  hostId: text("host_id").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Every user's invite code, created on first use. */
export const inviteCodes = sqliteTable("invite_codes", {
  code: text("code").primaryKey(),
  userId: text("user_id").notNull().unique(),
  createdAt: integer("created_at").notNull(),
});

/**
 * A new player who joined with a code: one row per invitee (the primary key), so one reward per new
 * player. The trigger gives the inviter a revival card when a row with `rewarded = 1` is inserted;
 * past the inviter's cap (INVITE_REWARD_CAP, docs/security.md) the row says 0 and nobody earns a card.
 */
export const inviteRedemptions = sqliteTable(
  "invite_redemptions",
  {
    inviteeId: text("invitee_id").primaryKey(),
    inviterId: text("inviter_id").notNull(),
    code: text("code").notNull(),
    createdAt: integer("created_at").notNull(),
    rewarded: integer("rewarded").notNull().default(1),
  },
  (t) => [
    check("invite_redemptions_not_self", sql`${t.inviteeId} <> ${t.inviterId}`),
    index("invite_redemptions_inviter_idx").on(t.inviterId),
  ],
);

/** The danmaku filter's word list (admin-managed), read by every room. */
export const danmakuWords = sqliteTable("danmaku_words", {
  word: text("word").primaryKey(),
  createdAt: integer("created_at").notNull(),
});

/** An activity's archived replay: written by its room when the activity ends. */
export const replays = sqliteTable("replays", {
  activityId: text("activity_id").primaryKey(),
  eventCount: integer("event_count").notNull(),
  chunkCount: integer("chunk_count").notNull(),
  durationMs: integer("duration_ms").notNull(),
  archivedAt: integer("archived_at").notNull(),
});

/** One slice of a replay's timeline, in stream order; `events` is a JSON array. */
export const replayChunks = sqliteTable(
  "replay_chunks",
  {
    activityId: text("activity_id").notNull(),
    idx: integer("idx").notNull(),
    fromTsMs: integer("from_ts_ms").notNull(),
    toTsMs: integer("to_ts_ms").notNull(),
    eventCount: integer("event_count").notNull(),
    events: text("events").notNull(),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.idx] })],
);
