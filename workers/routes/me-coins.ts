import type { Handler } from "hono";
import { coinBalance } from "../../schema/queries/coins";
import type { AppEnv } from "../http/app-env";

/** `GET /api/me/coins`: the caller's coin balance. */
export const meCoins: Handler<AppEnv> = async (c) => {
  const userId = c.var.claims.sub;
  return c.json({ userId, balanceCoins: await coinBalance(c.env.DB, userId) });
};
