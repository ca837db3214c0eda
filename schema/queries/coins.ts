// Posting coin transfers to D1, by the money ledger's rule (workers/ledger/post.ts): one atomic
// batch of an INSERT ... ON CONFLICT (key) DO NOTHING, a read-back of the key and the payer's
// balance. Balances move in the AFTER INSERT trigger (migrations/0004_social_triggers.sql), so a
// key already posted moves nothing, and a debit that would overdraw aborts the whole batch.
import type { COIN_TRANSFER_KINDS } from "../social";

/** A player's coin account id. @example coinAccount("alice") // "user:alice" */
export function coinAccount(userId: string): string {
  return `user:${userId}`;
}

/** Where granted (bought) coins come from: the only coin account that goes negative. */
export const COIN_ISSUANCE = "issuance";

export type CoinTransferKind = (typeof COIN_TRANSFER_KINDS)[number];

/** One movement of coins, identified by its idempotency key. */
export interface CoinTransfer {
  key: string;
  from: string;
  to: string;
  amountCoins: number;
  kind: CoinTransferKind;
  activityId: string | null;
  userId: string | null;
  giftId: string | null;
  quantity: number | null;
}

/** What posting did; `balanceCoins` is the payer's balance after it (user accounts only). */
export type CoinPostResult =
  | { status: "posted"; balanceCoins: number }
  /** The same key with the same contents was posted before: nothing moved this time. */
  | { status: "duplicate"; balanceCoins: number }
  /** The same key was posted with other contents: nothing moved; `existing` is what it paid for. */
  | { status: "conflict"; existing: CoinTransfer }
  | { status: "insufficient" };

interface Row {
  key: string;
  from_account: string;
  to_account: string;
  amount_coins: number;
  kind: CoinTransferKind;
  activity_id: string | null;
  user_id: string | null;
  gift_id: string | null;
  quantity: number | null;
}

function toTransfer(r: Row): CoinTransfer {
  return {
    key: r.key,
    from: r.from_account,
    to: r.to_account,
    amountCoins: r.amount_coins,
    kind: r.kind,
    activityId: r.activity_id,
    userId: r.user_id,
    giftId: r.gift_id,
    quantity: r.quantity,
  };
}

function same(a: CoinTransfer, b: CoinTransfer): boolean {
  return (
    a.from === b.from &&
    a.to === b.to &&
    a.amountCoins === b.amountCoins &&
    a.kind === b.kind &&
    a.activityId === b.activityId &&
    a.userId === b.userId &&
    a.giftId === b.giftId &&
    a.quantity === b.quantity
  );
}

function isInsufficient(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes("coin_accounts_nonnegative")) return true;
  }
  return false;
}

/**
 * Posts one coin transfer, once whatever the number of calls with its key. Throws only on I/O
 * failure (the caller may retry with the same key: it cannot move coins twice), and a RangeError
 * for an amount that is not a positive safe integer (a bug: callers price first).
 * @example await postCoinTransfer(env.DB, { key: "gift:q1:alice:k1", from: "user:alice", to: "user:hank", amountCoins: 30, kind: "gift", activityId: "q1", userId: "alice", giftId: "rose", quantity: 3 }, Date.now())
 */
export async function postCoinTransfer(
  d1: D1Database,
  t: CoinTransfer,
  nowMs: number,
): Promise<CoinPostResult> {
  if (!Number.isSafeInteger(t.amountCoins) || t.amountCoins <= 0)
    throw new RangeError(`bad coin amount ${t.amountCoins}`);
  try {
    const [inserted, readBack, balance] = await d1.batch([
      d1
        .prepare(
          "INSERT INTO coin_transfers (key, from_account, to_account, amount_coins, kind, activity_id, user_id, gift_id, quantity, created_at) " +
            "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE 1 ON CONFLICT (key) DO NOTHING RETURNING id",
        )
        .bind(
          t.key,
          t.from,
          t.to,
          t.amountCoins,
          t.kind,
          t.activityId,
          t.userId,
          t.giftId,
          t.quantity,
          nowMs,
        ),
      d1
        .prepare(
          "SELECT key, from_account, to_account, amount_coins, kind, activity_id, user_id, gift_id, quantity FROM coin_transfers WHERE key = ?",
        )
        .bind(t.key),
      d1.prepare("SELECT balance_coins FROM coin_accounts WHERE id = ?").bind(t.from),
    ]);
    const balanceCoins = (balance?.results[0] as { balance_coins: number } | undefined)?.balance_coins ?? 0;
    if ((inserted?.results.length ?? 0) > 0) return { status: "posted", balanceCoins };
    const existing = toTransfer(readBack!.results[0] as Row);
    return same(existing, t) ? { status: "duplicate", balanceCoins } : { status: "conflict", existing };
  } catch (err) {
    if (isInsufficient(err)) return { status: "insufficient" };
    throw err;
  }
}

/**
 * Tops up a player's coins from issuance (a purchase, a promotion), once per `key`.
 * @example await grantCoins(env.DB, "alice", 500, "promo-2026-11", Date.now())
 */
export function grantCoins(
  d1: D1Database,
  userId: string,
  coins: number,
  key: string,
  nowMs: number,
): Promise<CoinPostResult> {
  return postCoinTransfer(
    d1,
    {
      key: `grant:${key}`,
      from: COIN_ISSUANCE,
      to: coinAccount(userId),
      amountCoins: coins,
      kind: "grant",
      activityId: null,
      userId,
      giftId: null,
      quantity: null,
    },
    nowMs,
  );
}

/** A player's coins; 0 for a player who never had any. */
export async function coinBalance(d1: D1Database, userId: string): Promise<number> {
  const row = await d1
    .prepare("SELECT balance_coins FROM coin_accounts WHERE id = ?")
    .bind(coinAccount(userId))
    .first<{ balance_coins: number }>();
  return row?.balance_coins ?? 0;
}

/** The top gifters of an activity from the ledger, most coins first, ties by user id. */
export async function activityGifters(
  d1: D1Database,
  activityId: string,
  limit: number,
): Promise<{ rank: number; userId: string; name: string | null; coins: number; gifts: number }[]> {
  const { results } = await d1
    .prepare(
      "SELECT t.user_id AS userId, u.name AS name, SUM(t.amount_coins) AS coins, SUM(t.quantity) AS gifts " +
        "FROM coin_transfers t LEFT JOIN users u ON u.id = t.user_id " +
        "WHERE t.activity_id = ? AND t.kind = 'gift' GROUP BY t.user_id ORDER BY coins DESC, t.user_id LIMIT ?",
    )
    .bind(activityId, limit)
    .all<{ userId: string; name: string | null; coins: number; gifts: number }>();
  return results.map((r, i) => ({ rank: i + 1, ...r }));
}
