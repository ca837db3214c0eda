// The room's decision on a GIFT frame before any coin moves, and the gifter leaderboard. Pure: the
// room then posts the debit and credit to the coins ledger in D1 and shows the gift.

import type { CatalogGift } from "../../../schema/queries/gifts";
import type { Phase } from "../quiz/state";

/** Most of one gift a single GIFT frame may send. */
export const MAX_GIFT_QUANTITY = 9999;
/** Longest idempotency key a client may send. */
export const MAX_GIFT_KEY_CHARS = 64;

/** Why a gift is refused before the ledger is asked (a `liveroom.Code` name). */
export type GiftRejectCode =
  | "NOT_ALLOWED_NOW"
  | "GIFT_BAD_KEY"
  | "GIFT_BAD_QUANTITY"
  | "GIFT_UNKNOWN"
  | "GIFT_NO_HOST"
  | "GIFT_SELF";

export interface GiftInput {
  phase: Phase;
  activityId: string;
  senderId: string;
  /** The user the activity's gifts go to, or null when none is assigned. */
  hostId: string | null;
  giftId: string;
  quantity: number;
  key: string;
  catalog: ReadonlyMap<string, CatalogGift>;
}

export type GiftDecision =
  | { ok: false; code: GiftRejectCode; message: string }
  | { ok: true; gift: CatalogGift; quantity: number; coins: number; transferKey: string; hostId: string };

/**
 * The ledger key of a gift: one sender's idempotency key within one activity, so the same key sent
 * twice (a retry after a reconnect) debits once.
 * @example giftTransferKey("quiz-1", "alice", "k1") // → "gift:quiz-1:alice:k1"
 */
export function giftTransferKey(activityId: string, senderId: string, key: string): string {
  return `gift:${activityId}:${senderId}:${key}`;
}

/**
 * Checks a gift, cheapest first: room ended → NOT_ALLOWED_NOW; missing or overlong key →
 * GIFT_BAD_KEY; quantity not 1–9999 → GIFT_BAD_QUANTITY; not in the catalog (or disabled) →
 * GIFT_UNKNOWN; no host assigned → GIFT_NO_HOST; the host gifting themselves → GIFT_SELF.
 * The balance is the ledger's to check, atomically with the debit.
 */
export function decideGift(input: GiftInput): GiftDecision {
  if (input.phase === "ended")
    return { ok: false, code: "NOT_ALLOWED_NOW", message: "the activity has ended" };
  if (input.key.length === 0 || input.key.length > MAX_GIFT_KEY_CHARS) {
    return { ok: false, code: "GIFT_BAD_KEY", message: `send a key of 1–${MAX_GIFT_KEY_CHARS} characters` };
  }
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_GIFT_QUANTITY) {
    return { ok: false, code: "GIFT_BAD_QUANTITY", message: `quantity from 1 to ${MAX_GIFT_QUANTITY}` };
  }
  const gift = input.catalog.get(input.giftId);
  if (gift === undefined) return { ok: false, code: "GIFT_UNKNOWN", message: `no gift ${input.giftId}` };
  if (input.hostId === null)
    return { ok: false, code: "GIFT_NO_HOST", message: "this room has no host to receive gifts" };
  if (input.hostId === input.senderId)
    return { ok: false, code: "GIFT_SELF", message: "a host cannot gift themselves" };
  return {
    ok: true,
    gift,
    quantity: input.quantity,
    coins: gift.priceCoins * input.quantity,
    transferKey: giftTransferKey(input.activityId, input.senderId, input.key),
    hostId: input.hostId,
  };
}

/** One row of a gifter leaderboard. */
export interface GifterRow {
  rank: number;
  userId: string;
  coins: number;
}

/**
 * Ranks gifters by coins given, most first, ties by user id; the first `limit`.
 * @example rankGifters([{ userId: "b", coins: 5 }, { userId: "a", coins: 5 }], 10) // → a rank 1, b rank 2
 */
export function rankGifters(rows: readonly { userId: string; coins: number }[], limit: number): GifterRow[] {
  return [...rows]
    .sort((x, y) => y.coins - x.coins || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0))
    .slice(0, limit)
    .map((r, i) => ({ rank: i + 1, userId: r.userId, coins: r.coins }));
}
