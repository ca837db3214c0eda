import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { FailedInput, WithdrawalParams } from "../input/money";
import { closeWithdrawal } from "../withdrawals/store";

/**
 * `POST /api/admin/withdrawals/:id/failed` `{ reason? }`: the payout did not happen; the money goes
 * back in transit → the player. Idempotent: a failed withdrawal answers 200 as it is. 404
 * WITHDRAWAL_NOT_FOUND; 409 WITHDRAWAL_ALREADY_CLOSED when it was paid; 409 WITHDRAWAL_IN_PAYOUT when
 * its payout step has started (it can then only end paid).
 */
export const adminWithdrawalFailed: RouteHandler<{
  param: typeof WithdrawalParams;
  json: typeof FailedInput;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const input = c.req.valid("json");
  const closed = await closeWithdrawal(
    c.env.DB,
    id,
    { status: "failed", reason: input.reason ?? "payout failed" },
    Date.now(),
  );
  if (!closed.ok)
    throw new ApiError(closed.code === "WITHDRAWAL_NOT_FOUND" ? 404 : 409, closed.code, closed.message);
  return c.json({ withdrawal: closed.withdrawal });
};
