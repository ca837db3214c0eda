import type { RouteHandler } from "../http/route";
import type { LimitQuery } from "../input/money";
import { overallLeaderboard } from "../ledger/read";

/** `GET /api/leaderboards/overall?limit=10`: the top winners across all activities, ties by user id. */
export const leaderboardOverall: RouteHandler<{ query: typeof LimitQuery }> = async (c) => {
  const { limit } = c.req.valid("query");
  return c.json({ leaders: await overallLeaderboard(c.env.DB, limit) });
};
