// Withdrawals in D1. Each state change and its money move in one atomic batch; the debit of a request
// is the posting trigger's guarded UPDATE, so a request over the balance (or the second of two
// concurrent ones) fails the non-negative check and writes nothing.
import { and, desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { withdrawals } from "../../schema/ledger";
import { postTransfers } from "../ledger/post";
import { closingTransfer, requestTransfer, type WithdrawalView } from "./rules";

const columns = {
  id: withdrawals.id,
  userId: withdrawals.userId,
  amountCents: withdrawals.amountCents,
  status: withdrawals.status,
  idempotencyKey: withdrawals.idempotencyKey,
  payoutReference: withdrawals.payoutReference,
  failureReason: withdrawals.failureReason,
  createdAtMs: withdrawals.createdAt,
  updatedAtMs: withdrawals.updatedAt,
};

/** One withdrawal, or null. */
export async function getWithdrawal(d1: D1Database, id: string): Promise<WithdrawalView | null> {
  const rows = await drizzle(d1).select(columns).from(withdrawals).where(eq(withdrawals.id, id));
  return rows[0] ?? null;
}

async function byKey(d1: D1Database, userId: string, key: string): Promise<WithdrawalView | null> {
  const rows = await drizzle(d1)
    .select(columns)
    .from(withdrawals)
    .where(and(eq(withdrawals.userId, userId), eq(withdrawals.idempotencyKey, key)));
  return rows[0] ?? null;
}

/** A player's withdrawals, newest first. */
export async function listWithdrawals(
  d1: D1Database,
  userId: string,
  limit: number,
): Promise<WithdrawalView[]> {
  return drizzle(d1)
    .select(columns)
    .from(withdrawals)
    .where(eq(withdrawals.userId, userId))
    .orderBy(desc(withdrawals.createdAt), desc(withdrawals.id))
    .limit(limit);
}

/** What a request came to. */
export type RequestResult =
  | { ok: true; withdrawal: WithdrawalView; replayed: boolean }
  | { ok: false; code: "INSUFFICIENT_FUNDS" | "IDEMPOTENCY_KEY_REUSED"; message: string };

/**
 * Requests a withdrawal of `amountCents` under the player's idempotency key: the pending row and the
 * debit (user → in transit) commit together or not at all. The same key again answers the first
 * request (replayed) if the amount is the same, IDEMPOTENCY_KEY_REUSED if not.
 */
export async function requestWithdrawal(
  d1: D1Database,
  userId: string,
  idempotencyKey: string,
  amountCents: number,
  nowMs: number,
): Promise<RequestResult> {
  const id = crypto.randomUUID();
  const insert = d1
    .prepare(
      "INSERT INTO withdrawals (id, user_id, idempotency_key, amount_cents, status, created_at, updated_at) " +
        "VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (user_id, idempotency_key) DO NOTHING",
    )
    .bind(id, userId, idempotencyKey, amountCents, nowMs, nowMs);
  // The fresh id exists only if this request's row was inserted: a replay posts nothing.
  const posted = await postTransfers(d1, [requestTransfer({ id, userId, amountCents })], nowMs, {
    before: [insert],
    guards: [{ sql: "EXISTS (SELECT 1 FROM withdrawals WHERE id = ?)", params: [id] }],
  });
  if (!posted.ok) {
    return {
      ok: false,
      code: "INSUFFICIENT_FUNDS",
      message: `the balance does not cover ${amountCents} cents`,
    };
  }
  const stored = await byKey(d1, userId, idempotencyKey);
  if (stored === null) throw new Error(`withdrawal ${userId}/${idempotencyKey} vanished after its batch`);
  if (stored.amountCents !== amountCents) {
    return {
      ok: false,
      code: "IDEMPOTENCY_KEY_REUSED",
      message: `this Idempotency-Key was used for a withdrawal of ${stored.amountCents} cents`,
    };
  }
  return { ok: true, withdrawal: stored, replayed: stored.id !== id };
}

/**
 * The mark a pending withdrawal carries in `payout_reference` once its payout step has started.
 * From then on the money may be on its way, so the withdrawal can only end paid, never failed.
 */
export const PAYOUT_STARTED = "payout-started";

/**
 * Claims a pending withdrawal for its payout step; true when it is (or already was) claimed.
 * A payout step that refuses releases the claim (`releasePayout`) so the withdrawal may still fail.
 */
export async function claimPayout(d1: D1Database, id: string, nowMs: number): Promise<boolean> {
  const res = await d1
    .prepare(
      "UPDATE withdrawals SET payout_reference = ?, updated_at = ? WHERE id = ? AND status = 'pending' AND (payout_reference IS NULL OR payout_reference = ?)",
    )
    .bind(PAYOUT_STARTED, nowMs, id, PAYOUT_STARTED)
    .run();
  return res.meta.changes === 1;
}

/** Releases a claim whose payout step refused: the money never left, so failing is allowed again. */
export async function releasePayout(d1: D1Database, id: string, nowMs: number): Promise<void> {
  await d1
    .prepare(
      "UPDATE withdrawals SET payout_reference = NULL, updated_at = ? WHERE id = ? AND status = 'pending' AND payout_reference = ?",
    )
    .bind(nowMs, id, PAYOUT_STARTED)
    .run();
}

/** What closing a withdrawal came to. */
export type CloseResult =
  | { ok: true; withdrawal: WithdrawalView }
  | {
      ok: false;
      code: "WITHDRAWAL_NOT_FOUND" | "WITHDRAWAL_ALREADY_CLOSED" | "WITHDRAWAL_IN_PAYOUT";
      message: string;
    };

/**
 * Moves a pending withdrawal to paid (in transit → payouts) or failed (in transit → back to the
 * player), status and money in one batch. Asking again for the state it is in answers it unchanged;
 * asking for the other final state is WITHDRAWAL_ALREADY_CLOSED.
 */
export async function closeWithdrawal(
  d1: D1Database,
  id: string,
  close: { status: "paid"; reference: string } | { status: "failed"; reason: string },
  nowMs: number,
): Promise<CloseResult> {
  const w = await getWithdrawal(d1, id);
  if (w === null) return { ok: false, code: "WITHDRAWAL_NOT_FOUND", message: `no withdrawal ${id}` };
  const update = d1
    .prepare(
      // Failing a withdrawal whose payout has started would pay the player twice: only unclaimed ones fail.
      `UPDATE withdrawals SET status = ?, payout_reference = ?, failure_reason = ?, updated_at = ? WHERE id = ? AND status = 'pending'${close.status === "failed" ? " AND payout_reference IS NULL" : ""}`,
    )
    .bind(
      close.status,
      close.status === "paid" ? close.reference : null,
      close.status === "failed" ? close.reason : null,
      nowMs,
      id,
    );
  const posted = await postTransfers(d1, [closingTransfer(w, close.status)], nowMs, {
    before: [update],
    guards: [
      { sql: "EXISTS (SELECT 1 FROM withdrawals WHERE id = ? AND status = ?)", params: [id, close.status] },
    ],
  });
  // In-transit holds every pending withdrawal's cents, so a closing debit cannot overdraw it.
  if (!posted.ok) throw new Error(`closing withdrawal ${id}: ${posted.message}`);
  const after = (await getWithdrawal(d1, id))!;
  if (after.status === "pending") {
    return { ok: false, code: "WITHDRAWAL_IN_PAYOUT", message: `withdrawal ${id} is being paid out` };
  }
  if (after.status !== close.status) {
    return {
      ok: false,
      code: "WITHDRAWAL_ALREADY_CLOSED",
      message: `withdrawal ${id} is already ${after.status}`,
    };
  }
  return { ok: true, withdrawal: after };
}
