// A transfer as the application posts it, and the pure checks made before it reaches D1.
import type { TRANSFER_KINDS } from "../../schema/ledger";

/** Why money moved (schema/ledger.ts). */
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** One movement of `amountCents` from one account to another, identified by its idempotency key. */
export interface Transfer {
  key: string;
  from: string;
  to: string;
  amountCents: number;
  kind: TransferKind;
  activityId: string | null;
  userId: string | null;
}

/** Why a transfer is refused before posting. */
export type TransferProblem = "BAD_KEY" | "BAD_AMOUNT" | "SAME_ACCOUNT";

/** Longest idempotency key accepted: room keys are `rain:<64>:<rain>:<index>` at most. */
export const MAX_KEY_LENGTH = 200;

/**
 * The first problem with a transfer, or null when it may be posted: a non-empty key of at most 200
 * characters, a positive safe integer of cents, two distinct accounts.
 * @example transferProblem({ ...t, amountCents: 1.5 }) // "BAD_AMOUNT"
 */
export function transferProblem(t: Transfer): TransferProblem | null {
  if (t.key.length === 0 || t.key.length > MAX_KEY_LENGTH) return "BAD_KEY";
  if (!Number.isSafeInteger(t.amountCents) || t.amountCents <= 0) return "BAD_AMOUNT";
  if (t.from === t.to) return "SAME_ACCOUNT";
  return null;
}

/** Whether two transfers with the same key carry the same contents (a duplicate, not a conflict). */
export function sameTransfer(a: Transfer, b: Transfer): boolean {
  return (
    a.key === b.key &&
    a.from === b.from &&
    a.to === b.to &&
    a.amountCents === b.amountCents &&
    a.kind === b.kind &&
    a.activityId === b.activityId &&
    a.userId === b.userId
  );
}
