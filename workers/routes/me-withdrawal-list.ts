import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { parseInput } from "../http/validate";
import { LimitQuery } from "../input/money";
import { listWithdrawals } from "../withdrawals/store";

/** `GET /api/me/withdrawals?limit=10`: the caller's withdrawals, newest first. */
export const meWithdrawalList: Handler<AppEnv> = async (c) => {
  const { limit } = parseInput(LimitQuery, c.req.query());
  return c.json({ withdrawals: await listWithdrawals(c.env.DB, c.var.claims.sub, limit) });
};
