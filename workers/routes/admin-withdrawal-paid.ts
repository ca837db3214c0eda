import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { PaidInput, WithdrawalParams } from "../input/money";
import { payoutStep } from "../withdrawals/payout";
import { claimPayout, closeWithdrawal, getWithdrawal, releasePayout } from "../withdrawals/store";

/**
 * `POST /api/admin/withdrawals/:id/paid` `{ reference? }`: runs the payout step, then moves the money
 * in transit → payouts and the withdrawal to paid. Idempotent: a paid withdrawal answers 200 as it is
 * (the payout step is not run again). 404 WITHDRAWAL_NOT_FOUND; 409 WITHDRAWAL_ALREADY_CLOSED when it
 * failed; 502 with the step's code when the payout is refused (it stays pending). The withdrawal is
 * claimed before the payout step runs, so a concurrent "failed" cannot return money already sent.
 */
export const adminWithdrawalPaid: RouteHandler<{
  param: typeof WithdrawalParams;
  json: typeof PaidInput;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const w = await getWithdrawal(c.env.DB, id);
  if (w === null) throw new ApiError(404, "WITHDRAWAL_NOT_FOUND", `no withdrawal ${id}`);
  if (w.status === "paid") return c.json({ withdrawal: w });
  if (w.status === "failed")
    throw new ApiError(409, "WITHDRAWAL_ALREADY_CLOSED", `withdrawal ${id} is already failed`);
  if (!(await claimPayout(c.env.DB, id, Date.now()))) {
    // Closed by someone else between the read and the claim: answer as for a closed one.
    const now = (await getWithdrawal(c.env.DB, id))!;
    if (now.status === "paid") return c.json({ withdrawal: now });
    throw new ApiError(409, "WITHDRAWAL_ALREADY_CLOSED", `withdrawal ${id} is already ${now.status}`);
  }
  const payout = await payoutStep(c.env).pay(w, input);
  if (!payout.ok) {
    await releasePayout(c.env.DB, id, Date.now());
    throw new ApiError(502, payout.code, payout.message);
  }
  const closed = await closeWithdrawal(
    c.env.DB,
    id,
    { status: "paid", reference: payout.reference },
    Date.now(),
  );
  if (!closed.ok)
    throw new ApiError(closed.code === "WITHDRAWAL_NOT_FOUND" ? 404 : 409, closed.code, closed.message);
  return c.json({ withdrawal: closed.withdrawal });
};
