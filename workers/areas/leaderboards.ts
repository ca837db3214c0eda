import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { ActivityParams } from "../input/ids";
import { LimitQuery } from "../input/money";
import { leaderboardActivity } from "../routes/leaderboard-activity";
import { leaderboardOverall } from "../routes/leaderboard-overall";

/** Mounted at `/api/leaderboards`: the ledger's top winners, for any signed-in player (docs/settlement.md). */
export const leaderboardsArea = new Hono<AppEnv>();

route(
  leaderboardsArea,
  "get",
  "/activities/:id",
  { role: "viewer", param: ActivityParams, query: LimitQuery },
  leaderboardActivity,
);
route(leaderboardsArea, "get", "/overall", { role: "viewer", query: LimitQuery }, leaderboardOverall);
