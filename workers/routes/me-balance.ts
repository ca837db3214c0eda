import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { balanceOf } from "../ledger/read";

/** `GET /api/me/balance`: the caller's balance, pending withdrawals and total won, in cents. */
export const meBalance: Handler<AppEnv> = async (c) => {
  return c.json({ balance: await balanceOf(c.env.DB, c.var.claims.sub) });
};
