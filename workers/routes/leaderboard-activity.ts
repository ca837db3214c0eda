import type { Handler } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { parseInput } from "../http/validate";
import { ActivityId } from "../input/ids";
import { LimitQuery } from "../input/money";
import { activityLeaderboard } from "../ledger/read";

const Params = z.object({ id: ActivityId });

/** `GET /api/leaderboards/activities/:id?limit=10`: the activity's top winners (prizes + red packets), ties by user id. */
export const leaderboardActivity: Handler<AppEnv> = async (c) => {
  const { id } = parseInput(Params, c.req.param());
  const { limit } = parseInput(LimitQuery, c.req.query());
  return c.json({ activityId: id, leaders: await activityLeaderboard(c.env.DB, id, limit) });
};
