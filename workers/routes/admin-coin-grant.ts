import { coinBalance, grantCoins } from "../../schema/queries/coins";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { CoinGrantInput } from "../input/social";

/**
 * `POST /api/admin/coins` `{ userId, coins, key }`: tops up a player's coins (a purchase, a promotion),
 * once per key: the same key again is 200 with `replayed: true` and moves nothing; the same key with
 * another user or amount is 409 KEY_REUSED.
 */
export const adminCoinGrant: RouteHandler<{ json: typeof CoinGrantInput }> = async (c) => {
  const { userId, coins, key } = c.req.valid("json");
  const result = await grantCoins(c.env.DB, userId, coins, key, Date.now());
  switch (result.status) {
    case "posted":
    case "duplicate": {
      return c.json({
        userId,
        coins,
        balanceCoins: await coinBalance(c.env.DB, userId),
        replayed: result.status === "duplicate",
      });
    }
    case "conflict":
      throw new ApiError(409, "KEY_REUSED", `key ${key} already granted other coins`, "key");
    case "insufficient":
      // Issuance may go negative: a refusal here is a bug.
      throw new Error("coin issuance refused a grant");
  }
};
