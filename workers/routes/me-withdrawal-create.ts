import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";
import { parseInput, readJsonBody } from "../http/validate";
import { IdempotencyKey, WithdrawalInput } from "../input/money";
import { requestWithdrawal } from "../withdrawals/store";

/**
 * `POST /api/me/withdrawals` with an `Idempotency-Key` header and `{ amountCents }`: takes the money
 * from the caller's balance into a pending withdrawal. 201 `{ withdrawal }`; the same key again 200
 * `{ withdrawal, replayed: true }`; 409 INSUFFICIENT_FUNDS over the balance; 409 IDEMPOTENCY_KEY_REUSED
 * for the same key with another amount.
 */
export const meWithdrawalCreate: Handler<AppEnv> = async (c) => {
  const header = IdempotencyKey.safeParse(c.req.header("Idempotency-Key"));
  if (!header.success) {
    const message = header.error.issues[0]?.message ?? "is invalid";
    throw new ApiError(400, "VALIDATION_FAILED", `Idempotency-Key header ${message}`, "Idempotency-Key");
  }
  const key = header.data;
  const { amountCents } = parseInput(WithdrawalInput, await readJsonBody(c));
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
