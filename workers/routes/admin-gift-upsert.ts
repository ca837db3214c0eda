import { upsertGift } from "../../schema/queries/gifts";
import type { RouteHandler } from "../http/route";
import type { GiftInput } from "../input/social";

/** `POST /api/admin/gifts` `{ id, name, priceCoins, enabled? }`: creates a gift or replaces it. Rooms see it within 30 s. */
export const adminGiftUpsert: RouteHandler<{ json: typeof GiftInput }> = async (c) => {
  const input = c.req.valid("json");
  return c.json({ gift: await upsertGift(c.env.DB, input, Date.now()) });
};
