import type { Handler } from "hono";
import { listGifts } from "../../schema/queries/gifts";
import type { AppEnv } from "../http/app-env";

/** `GET /api/gifts` (public): the gifts viewers can send, cheapest first. */
export const giftList: Handler<AppEnv> = async (c) => {
  const gifts = await listGifts(c.env.DB, false);
  return c.json({ gifts: gifts.map(({ id, name, priceCoins }) => ({ id, name, priceCoins })) });
};
