import type { Handler } from "hono";
import { COIN_ISSUANCE, coinAccount, postCoinTransfer } from "../coins/post";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";
import { parseInput, readJsonBody } from "../http/validate";
import { CoinGrantInput } from "../input/social";

/**
 * `POST /api/admin/coins` `{ userId, coins, key }`: tops up a player's coins (a purchase, a promotion),
 * once per key: the same key again is 200 with `replayed: true` and moves nothing; the same key with
 * another user or amount is 409 KEY_REUSED.
 */
export const adminCoinGrant: Handler<AppEnv> = async (c) => {
  const { userId, coins, key } = parseInput(CoinGrantInput, await readJsonBody(c));
  const result = await postCoinTransfer(
    c.env.DB,
    {
      key: `grant:${key}`,
      from: COIN_ISSUANCE,
      to: coinAccount(userId),
      amountCoins: coins,
      kind: "grant",
      activityId: null,
      userId,
      giftId: null,
      quantity: null,
    },
    Date.now(),
  );
  switch (result.status) {
    case "posted":
    case "duplicate": {
      const balance = await c.env.DB.prepare("SELECT balance_coins FROM coin_accounts WHERE id = ?")
        .bind(coinAccount(userId))
        .first<{ balance_coins: number }>();
      return c.json({
        userId,
        coins,
        balanceCoins: balance?.balance_coins ?? 0,
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
