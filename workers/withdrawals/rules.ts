// The money of a withdrawal's life, as transfers (pure): request user → in transit; paid in transit →
// payouts (the money left the platform); failed in transit → user (the money comes back).
import { PAYOUTS, userAccount, WITHDRAWALS_IN_TRANSIT } from "../ledger/accounts";
import type { Transfer } from "../ledger/transfer";

/** A withdrawal as the API shows it. */
export interface WithdrawalView {
  id: string;
  userId: string;
  amountCents: number;
  status: "pending" | "paid" | "failed";
  idempotencyKey: string;
  payoutReference: string | null;
  failureReason: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

/** The transfer that takes the money from the player when the request is accepted. */
export function requestTransfer(w: Pick<WithdrawalView, "id" | "userId" | "amountCents">): Transfer {
  return {
    key: `withdrawal:${w.id}`,
    from: userAccount(w.userId),
    to: WITHDRAWALS_IN_TRANSIT,
    amountCents: w.amountCents,
    kind: "withdrawal",
    activityId: null,
    userId: w.userId,
  };
}

/** The transfer that closes a withdrawal: out to payouts when paid, back to the player when failed. */
export function closingTransfer(
  w: Pick<WithdrawalView, "id" | "userId" | "amountCents">,
  status: "paid" | "failed",
): Transfer {
  return status === "paid"
    ? {
        key: `withdrawal:${w.id}:paid`,
        from: WITHDRAWALS_IN_TRANSIT,
        to: PAYOUTS,
        amountCents: w.amountCents,
        kind: "withdrawal_paid",
        activityId: null,
        userId: w.userId,
      }
    : {
        key: `withdrawal:${w.id}:failed`,
        from: WITHDRAWALS_IN_TRANSIT,
        to: userAccount(w.userId),
        amountCents: w.amountCents,
        kind: "withdrawal_returned",
        activityId: null,
        userId: w.userId,
      };
}
