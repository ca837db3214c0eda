import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { ActivityParams } from "../input/ids";
import { ListLimitQuery, ReplayQuery } from "../input/social";
import { activityDetail } from "../routes/activity-detail";
import { activityGiftersRoute } from "../routes/activity-gifters";
import { activityHome } from "../routes/activity-home";
import { activityReplay } from "../routes/activity-replay";
import { giftList } from "../routes/gift-list";
import { healthz } from "../routes/healthz";

/**
 * The only routes anyone may call without a token: a share link must open the home, an activity,
 * its replay and the gift catalog without an account; an integrator reads the API's description. A route is public only when it is both here and
 * declared `{ role: "public" }`; test/workers/http-routes.test.ts holds the two together.
 */
export const PUBLIC_ROUTES = [
  "GET /healthz",
  "GET /api/activities",
  "GET /api/activities/:id",
  "GET /api/activities/:id/replay",
  "GET /api/activities/:id/gifters",
  "GET /api/gifts",
  // Registered in workers/index.ts, beside the areas it describes.
  "GET /api/openapi.json",
] as const;

/** Mounted at `/`: the public routes (docs/live-room.md). */
export const publicArea = new Hono<AppEnv>();

route(publicArea, "get", "/healthz", { role: "public" }, healthz);
route(publicArea, "get", "/api/activities", { role: "public", query: ListLimitQuery }, activityHome);
route(publicArea, "get", "/api/activities/:id", { role: "public", param: ActivityParams }, activityDetail);
route(
  publicArea,
  "get",
  "/api/activities/:id/replay",
  { role: "public", param: ActivityParams, query: ReplayQuery },
  activityReplay,
);
route(
  publicArea,
  "get",
  "/api/activities/:id/gifters",
  { role: "public", param: ActivityParams, query: ListLimitQuery },
  activityGiftersRoute,
);
route(publicArea, "get", "/api/gifts", { role: "public" }, giftList);
