// D1 tables for money (drizzle-orm): a double-entry ledger in integer cents, revival-card uses,
// settlement issues and withdrawals. Balances are kept by SQL triggers on ledger_transfers
// (migrations/0002_ledger_triggers.sql, hand-written: drizzle-kit does not generate triggers), so
// a balance moves only when a transfer row is really inserted (docs/settlement.md).
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** What an account is, from the prefix of its id (`user:alice`, `prize_pool:quiz-1`, `issuance`). */
export const ACCOUNT_KINDS = [
  "user",
  "prize_pool",
  "rain_budget",
  "withdrawals_in_transit",
  "payouts",
  "issuance",
] as const;

/**
 * Why money moved. `return_prize_pool` / `return_rain_budget`: what an ended activity's pool or rain
 * budget still held once every payment the room wrote is in the ledger, given back to issuance
 * (migration 0012; docs/settlement.md).
 */
export const TRANSFER_KINDS = [
  "fund_prize_pool",
  "fund_rain_budget",
  "prize",
  "red_packet",
  "withdrawal",
  "withdrawal_paid",
  "withdrawal_returned",
  "return_prize_pool",
  "return_rain_budget",
] as const;

/** Where a withdrawal is: pending (money in transit) → paid | failed (money returned). */
export const WITHDRAWAL_STATUSES = ["pending", "paid", "failed"] as const;

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/**
 * One account and its balance in cents. Rows are created by the posting trigger on first use;
 * only `issuance` may go negative. `won_cents` is what the account received as prizes and red
 * packets (the overall leaderboard), also kept by the trigger.
 */
export const ledgerAccounts = sqliteTable(
  "ledger_accounts",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ACCOUNT_KINDS }).notNull(),
    balanceCents: integer("balance_cents").notNull().default(0),
    wonCents: integer("won_cents").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("ledger_accounts_kind", sql`${t.kind} IN (${inList(ACCOUNT_KINDS)})`),
    check("ledger_accounts_nonnegative", sql`${t.balanceCents} >= 0 OR ${t.kind} = 'issuance'`),
    index("ledger_accounts_won_idx").on(t.kind, t.wonCents),
  ],
);

/**
 * One movement of money: `amount_cents` (a positive integer) from one account to another. `key` is
 * the idempotency key (the outbox key for room events); the same key is never posted twice.
 * `id` orders postings and is the history cursor (AUTOINCREMENT: never reused).
 */
export const ledgerTransfers = sqliteTable(
  "ledger_transfers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    fromAccount: text("from_account").notNull(),
    toAccount: text("to_account").notNull(),
    amountCents: integer("amount_cents").notNull(),
    kind: text("kind", { enum: TRANSFER_KINDS }).notNull(),
    activityId: text("activity_id"),
    /** The player the transfer concerns (paid to or withdrawn by), for history. */
    userId: text("user_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("ledger_transfers_key_unique").on(t.key),
    check(
      "ledger_transfers_amount_positive",
      sql`typeof(${t.amountCents}) = 'integer' AND ${t.amountCents} > 0`,
    ),
    check("ledger_transfers_distinct_accounts", sql`${t.fromAccount} <> ${t.toAccount}`),
    check("ledger_transfers_kind", sql`${t.kind} IN (${inList(TRANSFER_KINDS)})`),
    index("ledger_transfers_user_idx").on(t.userId, t.id),
    index("ledger_transfers_activity_idx").on(t.activityId, t.kind),
    index("ledger_transfers_from_idx").on(t.fromAccount),
    index("ledger_transfers_to_idx").on(t.toAccount),
  ],
);

/**
 * A revival card a room holds for one player of one activity: taken from `users.revival_cards` when
 * the player's row was first created in the room (one card: a game uses at most one), so that the
 * same card can never save its holder in two rooms. Immutable; the trigger `revival_escrows_take`
 * takes the card on insert. A use (`revival_card_uses`) spends it, a release
 * (`revival_card_releases`) gives it back (docs/settlement.md, docs/security.md).
 */
export const revivalEscrows = sqliteTable(
  "revival_escrows",
  {
    userId: text("user_id").notNull(),
    activityId: text("activity_id").notNull(),
    cards: integer("cards").notNull(),
    takenAt: integer("taken_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.activityId] }),
    check("revival_escrows_cards_positive", sql`${t.cards} > 0`),
    index("revival_escrows_activity_idx").on(t.activityId),
    index("revival_escrows_taken_idx").on(t.takenAt),
  ],
);

/** Who wrote a release: the room (its outbox event) or reconciliation (an escrow no room will release). */
export const RELEASE_SOURCES = ["room", "reconcile"] as const;

/**
 * An escrowed card given back, keyed like its outbox event (`revival-release:<activity>:<user>`).
 * `returned` is whether an escrow of (user, activity) was still held (neither used nor released)
 * when the release was recorded; the trigger gives the card back to `users` only then.
 */
export const revivalCardReleases = sqliteTable(
  "revival_card_releases",
  {
    key: text("key").primaryKey(),
    userId: text("user_id").notNull(),
    activityId: text("activity_id").notNull(),
    count: integer("count").notNull(),
    returned: integer("returned").notNull(),
    source: text("source", { enum: RELEASE_SOURCES }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("revival_card_releases_count_positive", sql`${t.count} > 0`),
    check("revival_card_releases_source", sql`${t.source} IN (${inList(RELEASE_SOURCES)})`),
    index("revival_card_releases_activity_idx").on(t.activityId),
  ],
);

/**
 * A revival card used in a room, keyed like its outbox event. `covered` is whether an escrow of
 * (user, activity) still held the card when the use was recorded. The card left `users` when the
 * escrow was taken, so a use moves no card; an uncovered use is reported by reconciliation.
 */
export const revivalCardUses = sqliteTable(
  "revival_card_uses",
  {
    key: text("key").primaryKey(),
    userId: text("user_id").notNull(),
    activityId: text("activity_id").notNull(),
    question: integer("question").notNull(),
    count: integer("count").notNull(),
    covered: integer("covered").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("revival_card_uses_count_positive", sql`${t.count} > 0`),
    index("revival_card_uses_activity_idx").on(t.activityId),
  ],
);

/**
 * Settlement messages that could not be applied and were acknowledged anyway (so that they never
 * block the rest): invalid bodies, a key reused with other contents, unknown activities, a pool
 * overdrawn, dead letters. One row per distinct (code, body), counted each time it is seen.
 */
export const settlementIssues = sqliteTable(
  "settlement_issues",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    key: text("key"),
    activityId: text("activity_id"),
    detail: text("detail").notNull(),
    body: text("body").notNull(),
    firstSeenAt: integer("first_seen_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    seenCount: integer("seen_count").notNull().default(1),
  },
  (t) => [
    uniqueIndex("settlement_issues_code_body_unique").on(t.code, t.body),
    index("settlement_issues_activity_idx").on(t.activityId),
  ],
);

/** A player's request to take money out; (user, idempotency key) identifies the request. */
export const withdrawals = sqliteTable(
  "withdrawals",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    amountCents: integer("amount_cents").notNull(),
    status: text("status", { enum: WITHDRAWAL_STATUSES }).notNull(),
    payoutReference: text("payout_reference"),
    failureReason: text("failure_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("withdrawals_user_key_unique").on(t.userId, t.idempotencyKey),
    index("withdrawals_user_idx").on(t.userId, t.createdAt),
    check("withdrawals_amount_positive", sql`typeof(${t.amountCents}) = 'integer' AND ${t.amountCents} > 0`),
    check("withdrawals_status", sql`${t.status} IN (${inList(WITHDRAWAL_STATUSES)})`),
  ],
);
