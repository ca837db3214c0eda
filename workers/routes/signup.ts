import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { SignupInput } from "../input/social";
import { INVITE_STATUS } from "../invites/status";
import { inviteRewardCap, normalizeInviteCode } from "../invites/rules";
import { signUp } from "../invites/store";

/**
 * `POST /api/signup` `{ name, inviteCode? }` (any valid token; its `sub` becomes the user): creates
 * the user with their own invite code. With someone's code, that inviter earns a revival card, in
 * the same atomic write, unless they already earned INVITE_REWARD_CAP of them. 201
 * `{ user, invitedBy, inviterRewarded }` (`inviterRewarded` null without a code, false past the cap);
 * 409 ALREADY_SIGNED_UP; 404 INVITE_CODE_UNKNOWN (`field: "inviteCode"`), and then nothing is written.
 * Rate-limited per address and per user (workers/areas/signup.ts).
 */
export const signup: RouteHandler<{ json: typeof SignupInput }> = async (c) => {
  const input = c.req.valid("json");
  let inviteCode: string | null = null;
  if (input.inviteCode !== undefined && input.inviteCode.trim() !== "") {
    inviteCode = normalizeInviteCode(input.inviteCode);
    if (inviteCode === null)
      throw new ApiError(404, "INVITE_CODE_UNKNOWN", "no such invite code", "inviteCode");
  }
  const result = await signUp(
    c.env.DB,
    {
      userId: c.var.claims.sub,
      name: input.name.trim(),
      inviteCode,
      rewardCap: inviteRewardCap(c.env.INVITE_REWARD_CAP),
    },
    Date.now(),
  );
  if (!result.ok) {
    const field = result.code === "ALREADY_SIGNED_UP" ? undefined : "inviteCode";
    throw new ApiError(INVITE_STATUS[result.code], result.code, result.message, field);
  }
  return c.json(
    { user: result.user, invitedBy: result.invitedBy, inviterRewarded: result.inviterRewarded },
    201,
  );
};
