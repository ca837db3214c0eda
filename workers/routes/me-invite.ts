import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";
import { ensureInviteCode, inviteeCount } from "../invites/store";

/**
 * `GET /api/me/invite`: the caller's invite code (created on first use), how many players joined
 * with it, and a link that carries it. 404 NOT_SIGNED_UP for a token whose user has no account.
 */
export const meInvite: Handler<AppEnv> = async (c) => {
  const userId = c.var.claims.sub;
  const code = await ensureInviteCode(c.env.DB, userId, Date.now());
  if (code === null) throw new ApiError(404, "NOT_SIGNED_UP", "sign up first: POST /api/signup");
  const url = new URL("/", c.req.url);
  url.searchParams.set("invite", code);
  return c.json({ code, invitees: await inviteeCount(c.env.DB, userId), link: url.toString() });
};
