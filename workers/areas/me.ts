import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { HistoryQuery, IdempotencyHeader, LimitQuery, WithdrawalInput } from "../input/money";
import { RedeemInput } from "../input/social";
import { meBalance } from "../routes/me-balance";
import { meCoins } from "../routes/me-coins";
import { meHistory } from "../routes/me-history";
import { meInvite } from "../routes/me-invite";
import { meInviteRedeem } from "../routes/me-invite-redeem";
import { meWithdrawalCreate } from "../routes/me-withdrawal-create";
import { meWithdrawalList } from "../routes/me-withdrawal-list";

/** Mounted at `/api/me`: a player's own money, coins and invites; the claims' `sub` is the player. */
export const meArea = new Hono<AppEnv>();

// Money (docs/settlement.md).
route(meArea, "get", "/balance", { role: "viewer" }, meBalance);
route(meArea, "get", "/history", { role: "viewer", query: HistoryQuery }, meHistory);
route(
  meArea,
  "post",
  "/withdrawals",
  { role: "viewer", limits: ["withdrawal"], header: IdempotencyHeader, json: WithdrawalInput },
  meWithdrawalCreate,
);
route(meArea, "get", "/withdrawals", { role: "viewer", query: LimitQuery }, meWithdrawalList);

// Coins and invites (docs/live-room.md).
route(meArea, "get", "/coins", { role: "viewer" }, meCoins);
route(meArea, "get", "/invite", { role: "viewer" }, meInvite);
route(
  meArea,
  "post",
  "/invite/redeem",
  { role: "viewer", limits: ["inviteRedeem"], json: RedeemInput },
  meInviteRedeem,
);
