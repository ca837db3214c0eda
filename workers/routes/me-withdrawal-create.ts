import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { IdempotencyHeader, WithdrawalInput } from "../input/money";
import { requestWithdrawal } from "../withdrawals/store";

/**
 * `POST /api/me/withdrawals` with an `Idempotency-Key` header and `{ amountCents }`: takes the money
 * from the caller's balance into a pending withdrawal. 201 `{ withdrawal }`; the same key again 200
 * `{ withdrawal, replayed: true }`; 409 INSUFFICIENT_FUNDS over the balance; 409 IDEMPOTENCY_KEY_REUSED
 * for the same key with another amount.
 */
export const meWithdrawalCreate: RouteHandler<{
  header: typeof IdempotencyHeader;
  json: typeof WithdrawalInput;
}> = async (c) => {
  const key = c.req.valid("header")["Idempotency-Key"];
  const { amountCents } = c.req.valid("json");
  const result = await requestWithdrawal(c.env.DB, c.var.claims.sub, key, amountCents, Date.now());
  if (!result.ok)
    throw new ApiError(
      409,
      result.code,
      result.message,
      result.code === "INSUFFICIENT_FUNDS" ? "amountCents" : "Idempotency-Key",
    );
  if (result.replayed) return c.json({ withdrawal: result.withdrawal, replayed: true }, 200);
  return c.json({ withdrawal: result.withdrawal }, 201);
};
