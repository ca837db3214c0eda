import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { ActivityInput } from "../input/activity";
import { ActivityParams } from "../input/ids";
import { FailedInput, PaidInput, WithdrawalParams } from "../input/money";
import { CoinGrantInput, GiftInput, HostInput, WordsInput } from "../input/social";
import { UserInput } from "../input/user";
import { adminActivityCreate } from "../routes/admin-activity-create";
import { adminActivityGet } from "../routes/admin-activity-get";
import { adminActivityHost } from "../routes/admin-activity-host";
import { ActivityListQuery, adminActivityList } from "../routes/admin-activity-list";
import { adminCoinGrant } from "../routes/admin-coin-grant";
import { adminDanmakuWordsGet } from "../routes/admin-danmaku-words-get";
import { adminDanmakuWordsPut } from "../routes/admin-danmaku-words-put";
import { adminGiftList } from "../routes/admin-gift-list";
import { adminGiftUpsert } from "../routes/admin-gift-upsert";
import { adminReconcile, ReconcileQuery } from "../routes/admin-reconcile";
import { adminUserUpsert } from "../routes/admin-user-upsert";
import { adminWithdrawalFailed } from "../routes/admin-withdrawal-failed";
import { adminWithdrawalPaid } from "../routes/admin-withdrawal-paid";

/** Mounted at `/api/admin`: activities, users, money and the catalogs, for admins only. */
export const adminArea = new Hono<AppEnv>();

route(adminArea, "post", "/activities", { role: "admin", json: ActivityInput }, adminActivityCreate);
route(adminArea, "get", "/activities", { role: "admin", query: ActivityListQuery }, adminActivityList);
route(adminArea, "get", "/activities/:id", { role: "admin", param: ActivityParams }, adminActivityGet);
route(
  adminArea,
  "put",
  "/activities/:id/host",
  { role: "admin", param: ActivityParams, json: HostInput },
  adminActivityHost,
);
route(adminArea, "post", "/users", { role: "admin", json: UserInput }, adminUserUpsert);

// Money (docs/settlement.md).
route(adminArea, "post", "/reconcile", { role: "admin", query: ReconcileQuery }, adminReconcile);
route(
  adminArea,
  "post",
  "/withdrawals/:id/paid",
  { role: "admin", param: WithdrawalParams, json: PaidInput },
  adminWithdrawalPaid,
);
route(
  adminArea,
  "post",
  "/withdrawals/:id/failed",
  { role: "admin", param: WithdrawalParams, json: FailedInput },
  adminWithdrawalFailed,
);
route(adminArea, "post", "/coins", { role: "admin", json: CoinGrantInput }, adminCoinGrant);

// Gifts and the danmaku filter (docs/live-room.md).
route(adminArea, "post", "/gifts", { role: "admin", json: GiftInput }, adminGiftUpsert);
route(adminArea, "get", "/gifts", { role: "admin" }, adminGiftList);
route(adminArea, "get", "/danmaku/words", { role: "admin" }, adminDanmakuWordsGet);
route(adminArea, "put", "/danmaku/words", { role: "admin", json: WordsInput }, adminDanmakuWordsPut);
