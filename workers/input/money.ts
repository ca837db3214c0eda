import { z } from "zod";
import { text } from "./fields";
import { must } from "./messages";

function limitParam(max: number, fallback: number) {
  const message = `must be an integer from 1 to ${max}`;
  return z
    .string({ error: message })
    .regex(/^[1-9][0-9]{0,3}$/, { error: message })
    .transform(Number)
    .refine((n) => n <= max, { error: message })
    .default(fallback);
}

const CURSOR = "must be the nextCursor of a previous page";

/** `?cursor=&limit=` of the history. */
export const HistoryQuery = z.object({
  cursor: z
    .string({ error: CURSOR })
    .regex(/^[1-9][0-9]{0,15}$/, { error: CURSOR })
    .transform(Number)
    .optional(),
  limit: limitParam(100, 20),
});

/** `?limit=` of leaderboards and lists. */
export const LimitQuery = z.object({ limit: limitParam(100, 10) });

const AMOUNT = "must be a positive integer number of cents";

/** The body of `POST /api/me/withdrawals`. */
export const WithdrawalInput = z.strictObject(
  {
    amountCents: z
      .int({ error: must(AMOUNT) })
      .min(1, { error: AMOUNT })
      .max(Number.MAX_SAFE_INTEGER, { error: AMOUNT }),
  },
  { error: must("must be a JSON object { amountCents }") },
);

const KEY = "must be 1–100 visible ASCII characters";

/** The `Idempotency-Key` header a withdrawal request must carry. */
export const IdempotencyKey = z.string({ error: must(KEY) }).regex(/^[\x21-\x7e]{1,100}$/, { error: KEY });

/** The headers of `POST /api/me/withdrawals`. */
export const IdempotencyHeader = z.object({ "Idempotency-Key": IdempotencyKey });

/** A withdrawal id in a path. */
export const WithdrawalParams = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/, { error: "must be a withdrawal id" }),
});

/** The body of `POST /api/admin/withdrawals/:id/paid`: the payout's reference, if the admin has one. */
export const PaidInput = z.strictObject(
  { reference: text(200).optional() },
  { error: "must be a JSON object" },
);

/** The body of `POST /api/admin/withdrawals/:id/failed`: why, if the admin says. */
export const FailedInput = z.strictObject(
  { reason: text(500).optional() },
  { error: "must be a JSON object" },
);
