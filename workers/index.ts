import { Hono } from "hono";
import { requireRole } from "./auth/middleware";
import type { Env } from "./env";
import type { AppEnv } from "./http/app-env";
import { notFound, onError } from "./http/errors";
import { adminActivityCreate } from "./routes/admin-activity-create";
import { adminActivityGet } from "./routes/admin-activity-get";
import { adminActivityList } from "./routes/admin-activity-list";
import { adminUserUpsert } from "./routes/admin-user-upsert";
import { healthz } from "./routes/healthz";
import { roomEnd } from "./routes/room-end";
import { roomJoin } from "./routes/room-join";
import { roomOpen } from "./routes/room-open";
import { roomPush } from "./routes/room-push";
import { roomRainStart } from "./routes/room-rain-start";
import { roomReveal } from "./routes/room-reveal";
import { roomStats } from "./routes/room-stats";
import { roomWs } from "./routes/room-ws";
import { adminReconcile } from "./routes/admin-reconcile";
import { adminWithdrawalFailed } from "./routes/admin-withdrawal-failed";
import { adminWithdrawalPaid } from "./routes/admin-withdrawal-paid";
import { leaderboardActivity } from "./routes/leaderboard-activity";
import { leaderboardOverall } from "./routes/leaderboard-overall";
import { meBalance } from "./routes/me-balance";
import { meHistory } from "./routes/me-history";
import { meWithdrawalCreate } from "./routes/me-withdrawal-create";
import { meWithdrawalList } from "./routes/me-withdrawal-list";
import { handleSettlementBatch } from "./settlement/consumer";
import { runReconcileCron } from "./settlement/cron";
import { activityDetail } from "./routes/activity-detail";
import { activityGiftersRoute } from "./routes/activity-gifters";
import { activityHome } from "./routes/activity-home";
import { activityReplay } from "./routes/activity-replay";
import { adminActivityHost } from "./routes/admin-activity-host";
import { adminCoinGrant } from "./routes/admin-coin-grant";
import { adminDanmakuWordsGet } from "./routes/admin-danmaku-words-get";
import { adminDanmakuWordsPut } from "./routes/admin-danmaku-words-put";
import { adminGiftList } from "./routes/admin-gift-list";
import { adminGiftUpsert } from "./routes/admin-gift-upsert";
import { giftList } from "./routes/gift-list";
import { meCoins } from "./routes/me-coins";
import { meInvite } from "./routes/me-invite";
import { meInviteRedeem } from "./routes/me-invite-redeem";
import { signup } from "./routes/signup";
import { roomDanmakuDelete } from "./routes/room-danmaku-delete";
import { roomMute } from "./routes/room-mute";

export { LiveRoom } from "../durable-objects/live-room";
export type { Env } from "./env";

/** The Worker's HTTP app: admin API, operator controls, the room upgrade. Routes are one file each. */
export const app = new Hono<AppEnv>();
app.onError(onError);
app.notFound(notFound);

// Auth by prefix, so that no route under it can be added without its role check.
app.use("/api/admin/*", requireRole("admin"));
app.use("/api/rooms/*", requireRole("host"));
app.use("/api/join/*", requireRole("viewer"));
app.use("/api/me/*", requireRole("viewer"));
app.use("/api/leaderboards/*", requireRole("viewer"));

app.get("/healthz", healthz);

app.post("/api/admin/activities", adminActivityCreate);
app.get("/api/admin/activities", adminActivityList);
app.get("/api/admin/activities/:id", adminActivityGet);
app.post("/api/admin/users", adminUserUpsert);
app.post("/api/admin/reconcile", adminReconcile);
app.post("/api/admin/withdrawals/:id/paid", adminWithdrawalPaid);
app.post("/api/admin/withdrawals/:id/failed", adminWithdrawalFailed);

// Money (docs/settlement.md): a player sees only their own; the claims' sub is the player.
app.get("/api/me/balance", meBalance);
app.get("/api/me/history", meHistory);
app.post("/api/me/withdrawals", meWithdrawalCreate);
app.get("/api/me/withdrawals", meWithdrawalList);
app.get("/api/leaderboards/activities/:id", leaderboardActivity);
app.get("/api/leaderboards/overall", leaderboardOverall);

// Gifts, coins, invites, the activity home and replays (docs/live-room.md). The home, the catalog
// and replays are public: a share link must open without an account.
app.use("/api/signup", requireRole("viewer"));
app.post("/api/admin/gifts", adminGiftUpsert);
app.get("/api/admin/gifts", adminGiftList);
app.put("/api/admin/activities/:id/host", adminActivityHost);
app.post("/api/admin/coins", adminCoinGrant);
app.get("/api/admin/danmaku/words", adminDanmakuWordsGet);
app.put("/api/admin/danmaku/words", adminDanmakuWordsPut);
app.get("/api/gifts", giftList);
app.get("/api/me/coins", meCoins);
app.post("/api/signup", signup);
app.get("/api/me/invite", meInvite);
app.post("/api/me/invite/redeem", meInviteRedeem);
app.get("/api/activities", activityHome);
app.get("/api/activities/:id", activityDetail);
app.get("/api/activities/:id/replay", activityReplay);
app.get("/api/activities/:id/gifters", activityGiftersRoute);
app.post("/api/rooms/:id/danmaku/:danmakuId/delete", roomDanmakuDelete);
app.post("/api/rooms/:id/mutes", roomMute);

app.post("/api/rooms/:id/open", roomOpen);
app.post("/api/rooms/:id/questions/:k/push", roomPush);
app.post("/api/rooms/:id/questions/:k/reveal", roomReveal);
app.post("/api/rooms/:id/end", roomEnd);
app.post("/api/rooms/:id/rains/:r/start", roomRainStart);
app.get("/api/rooms/:id/stats", roomStats);

app.get("/api/join/:id", roomJoin);
app.get("/rooms/:id/ws", roomWs);

export default {
  fetch: app.fetch,
  // The settlement queue and its dead-letter queue (docs/settlement.md).
  async queue(batch, env) {
    await handleSettlementBatch(batch, env);
  },
  // Reconciliation of recent activities (wrangler.toml [triggers]).
  async scheduled(controller, env) {
    await runReconcileCron(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
