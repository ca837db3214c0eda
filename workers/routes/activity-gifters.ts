import { activityGifters } from "../../schema/queries/coins";
import type { RouteHandler } from "../http/route";
import type { ActivityParams } from "../input/ids";
import type { ListLimitQuery } from "../input/social";

/** `GET /api/activities/:id/gifters?limit=20` (public): the room's gifter leaderboard from the coins ledger. */
export const activityGiftersRoute: RouteHandler<{
  param: typeof ActivityParams;
  query: typeof ListLimitQuery;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit } = c.req.valid("query");
  return c.json({ activityId: id, gifters: await activityGifters(c.env.DB, id, limit) });
};
