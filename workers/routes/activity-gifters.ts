import type { Handler } from "hono";
import { z } from "zod";
import { activityGifters } from "../../schema/queries/coins";
import type { AppEnv } from "../http/app-env";
import { parseInput } from "../http/validate";
import { ActivityId } from "../input/ids";
import { ListLimitQuery } from "../input/social";

/** `GET /api/activities/:id/gifters?limit=20` (public): the room's gifter leaderboard from the coins ledger. */
export const activityGiftersRoute: Handler<AppEnv> = async (c) => {
  const { id } = parseInput(z.object({ id: ActivityId }), c.req.param());
  const { limit } = parseInput(ListLimitQuery, c.req.query());
  return c.json({ activityId: id, gifters: await activityGifters(c.env.DB, id, limit) });
};
