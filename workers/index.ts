import { Hono } from "hono";
import { adminArea } from "./areas/admin";
import { bankArea } from "./areas/bank";
import { joinArea } from "./areas/join";
import { leaderboardsArea } from "./areas/leaderboards";
import { meArea } from "./areas/me";
import { publicArea } from "./areas/public";
import { roomsArea } from "./areas/rooms";
import { signupArea } from "./areas/signup";
import type { Env } from "./env";
import type { AppEnv } from "./http/app-env";
import { notFound, onError } from "./http/errors";
import { route } from "./http/route";
import { withSecurityHeaders } from "./http/security-headers";
import { openApiRoute } from "./routes/openapi";
import { handleSettlementBatch } from "./settlement/consumer";
import { runReconcileCron } from "./settlement/cron";

export { LiveRoom } from "../durable-objects/live-room";
export type { Env } from "./env";

/**
 * The Worker's HTTP app, one sub-app per area; each route declares its role and inputs where the
 * area registers it (`route` in workers/http/route.ts), and routes are one file each in workers/routes/.
 */
export const app = new Hono<AppEnv>();
app.onError(onError);
app.notFound(notFound);

app.route("/", publicArea);
app.route("/api/admin", adminArea);
app.route("/api/rooms", roomsArea);
app.route("/api/me", meArea);
app.route("/api/leaderboards", leaderboardsArea);
app.route("/api/signup", signupArea);
app.route("/", joinArea);
app.route("/api/admin/bank", bankArea);
// The API's own description, generated from every route above when first asked for (workers/openapi/).
route(app, "get", "/api/openapi.json", { role: "public" }, openApiRoute(app));

export default {
  // Every response of the app carries the API's security headers (workers/http/security-headers.ts).
  async fetch(request, env, ctx) {
    return withSecurityHeaders(await app.fetch(request, env, ctx));
  },
  // The settlement queue and its dead-letter queue (docs/settlement.md).
  async queue(batch, env) {
    await handleSettlementBatch(batch, env);
  },
  // Reconciliation of recent activities (wrangler.toml [triggers]).
  async scheduled(controller, env) {
    await runReconcileCron(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
