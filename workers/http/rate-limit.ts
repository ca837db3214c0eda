import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env";
import type { AppEnv } from "./app-env";
import { errorResponse } from "./errors";

/** The names of Env's rate-limit bindings (`[[ratelimits]]` in wrangler.toml). */
export type LimitBinding = { [K in keyof Env]-?: Env[K] extends RateLimit ? K : never }[keyof Env];

/**
 * One rate limit: which binding counts, what it counts by, and its window. The limit itself (how many
 * per window) is the binding's `simple.limit` in wrangler.toml; `periodSec` repeats its `simple.period`
 * because the binding does not say it, and it is the 429's `Retry-After`
 * (test/unit/rate-limits.test.ts holds the two together).
 */
export interface RateLimitRule {
  binding: LimitBinding;
  /**
   * `user`: the token's `sub`. `ip`: the client address Cloudflare puts in `CF-Connecting-IP`; a request
   * without it did not come through Cloudflare's edge (a test, a service binding) and is not counted.
   */
  by: "user" | "ip";
  periodSec: 10 | 60;
  /** The end of "too many …, try again in N s". */
  what: string;
}

/** Every rate limit a route may declare (`limits` in its `route(...)` spec), by name. */
export const RATE_LIMITS = {
  signupIp: { binding: "SIGNUP_IP_LIMIT", by: "ip", periodSec: 60, what: "sign-ups from this address" },
  signupUser: { binding: "SIGNUP_USER_LIMIT", by: "user", periodSec: 60, what: "sign-up attempts" },
  inviteRedeem: { binding: "INVITE_LIMIT", by: "user", periodSec: 60, what: "invite redemptions" },
  withdrawal: { binding: "WITHDRAWAL_LIMIT", by: "user", periodSec: 60, what: "withdrawal requests" },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof RATE_LIMITS;

/** The key a rule counts this request under, or null when it does not apply (no client address). */
function keyOf(c: Context<AppEnv>, rule: RateLimitRule): string | null {
  if (rule.by === "user") return `user:${c.var.claims.sub}`;
  const ip = c.req.header("CF-Connecting-IP");
  return ip ? `ip:${ip}` : null;
}

/**
 * Checks the named limits in order after the role (a `user` limit needs the claims); the first one
 * exhausted answers 429 RATE_LIMITED with `Retry-After: <period>` before anything is read or written.
 * @example route(meArea, "post", "/invite/redeem", { role: "viewer", limits: ["inviteRedeem"], json: RedeemInput }, handler)
 */
export function rateLimit(names: readonly RateLimitName[]): MiddlewareHandler<AppEnv> {
  const rules: readonly RateLimitRule[] = names.map((n) => RATE_LIMITS[n]);
  return async (c, next) => {
    for (const rule of rules) {
      const key = keyOf(c, rule);
      if (key === null) continue;
      const { success } = await c.env[rule.binding].limit({ key });
      if (!success) {
        c.header("Retry-After", String(rule.periodSec));
        return errorResponse(
          c,
          429,
          "RATE_LIMITED",
          `too many ${rule.what}: try again in ${rule.periodSec} s`,
        );
      }
    }
    await next();
  };
}
