import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { RedeemInput } from "../input/social";
import { INVITE_STATUS } from "../invites/status";
import { inviteRewardCap, normalizeInviteCode } from "../invites/rules";
import { redeemInvite } from "../invites/store";

/**
 * `POST /api/me/invite/redeem` `{ code }`: a player who signed up in the last 7 days without a code
 * names who invited them; the inviter earns a revival card while under INVITE_REWARD_CAP. 200
 * `{ inviterId, inviterRewarded }`; 404 INVITE_CODE_UNKNOWN, 400 INVITE_SELF, 409
 * INVITE_ALREADY_REDEEMED (one reward per new player), 409 INVITE_NOT_NEW, 409 INVITE_CIRCULAR (the
 * code's owner joined through the caller), 404 NOT_SIGNED_UP; nothing is written on a refusal.
 * Rate-limited per user (workers/areas/me.ts).
 */
export const meInviteRedeem: RouteHandler<{ json: typeof RedeemInput }> = async (c) => {
  const input = c.req.valid("json");
  const code = normalizeInviteCode(input.code);
  if (code === null) throw new ApiError(404, "INVITE_CODE_UNKNOWN", "no such invite code", "code");
  const cap = inviteRewardCap(c.env.INVITE_REWARD_CAP);
  const result = await redeemInvite(c.env.DB, c.var.claims.sub, code, Date.now(), cap);
  if (!result.ok) {
    const field = result.code === "INVITE_CODE_UNKNOWN" || result.code === "INVITE_SELF" ? "code" : undefined;
    throw new ApiError(INVITE_STATUS[result.code], result.code, result.message, field);
  }
  return c.json({ inviterId: result.inviterId, inviterRewarded: result.inviterRewarded });
};
