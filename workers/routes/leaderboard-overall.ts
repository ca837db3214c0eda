import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { parseInput } from "../http/validate";
import { LimitQuery } from "../input/money";
import { overallLeaderboard } from "../ledger/read";

/** `GET /api/leaderboards/overall?limit=10`: the top winners across all activities, ties by user id. */
export const leaderboardOverall: Handler<AppEnv> = async (c) => {
  const { limit } = parseInput(LimitQuery, c.req.query());
  return c.json({ leaders: await overallLeaderboard(c.env.DB, limit) });
};
