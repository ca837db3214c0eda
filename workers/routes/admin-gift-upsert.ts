import type { Handler } from "hono";
import { upsertGift } from "../../schema/queries/gifts";
import type { AppEnv } from "../http/app-env";
import { parseInput, readJsonBody } from "../http/validate";
import { GiftInput } from "../input/social";

/** `POST /api/admin/gifts` `{ id, name, priceCoins, enabled? }`: creates a gift or replaces it. Rooms see it within 30 s. */
export const adminGiftUpsert: Handler<AppEnv> = async (c) => {
  const input = parseInput(GiftInput, await readJsonBody(c));
  return c.json({ gift: await upsertGift(c.env.DB, input, Date.now()) });
};
