import type { RouteHandler } from "../http/route";
import type { LimitQuery } from "../input/money";
import { listWithdrawals } from "../withdrawals/store";

/** `GET /api/me/withdrawals?limit=10`: the caller's withdrawals, newest first. */
export const meWithdrawalList: RouteHandler<{ query: typeof LimitQuery }> = async (c) => {
  const { limit } = c.req.valid("query");
  return c.json({ withdrawals: await listWithdrawals(c.env.DB, c.var.claims.sub, limit) });
};
