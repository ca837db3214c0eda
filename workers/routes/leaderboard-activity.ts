import type { RouteHandler } from "../http/route";
import type { ActivityParams } from "../input/ids";
import type { LimitQuery } from "../input/money";
import { activityLeaderboard } from "../ledger/read";

/** `GET /api/leaderboards/activities/:id?limit=10`: the activity's top winners (prizes + red packets), ties by user id. */
export const leaderboardActivity: RouteHandler<{
  param: typeof ActivityParams;
  query: typeof LimitQuery;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit } = c.req.valid("query");
  return c.json({ activityId: id, leaders: await activityLeaderboard(c.env.DB, id, limit) });
};
