// The payout step (DESIGN §9: real payment rails are out of scope): what actually sends the money.
// A step must be idempotent on `withdrawal.id`: two admins marking the same withdrawal paid at once
// both reach it.
import type { Env } from "../env";
import type { WithdrawalView } from "./rules";

/** The payout's answer: a reference to keep with the withdrawal, or a refusal (the withdrawal stays pending). */
export type PayoutResult = { ok: true; reference: string } | { ok: false; code: string; message: string };

/** Sends a pending withdrawal's money out through some rail. */
export interface PayoutStep {
  pay(withdrawal: WithdrawalView, input: { reference?: string }): Promise<PayoutResult>;
}

/**
 * The default step: the admin paid by hand (a bank transfer) and gives its reference, or none.
 * @example await manualPayout.pay(w, { reference: "bank-2026-001" }) // { ok: true, reference: "bank-2026-001" }
 */
export const manualPayout: PayoutStep = {
  async pay(withdrawal, input) {
    return { ok: true, reference: input.reference ?? `manual:${withdrawal.id}` };
  },
};

/** The payout step this deployment uses; a real rail would be chosen here from `env`. */
export function payoutStep(_env: Env): PayoutStep {
  return manualPayout;
}
