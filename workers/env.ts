import type { LiveRoom } from "../durable-objects/live-room";
import type { RoomEnv } from "../durable-objects/room-env";

/**
 * The Worker's bindings (wrangler.toml, plus the JWT_SECRET secret from .dev.vars or `wrangler secret`):
 * the rooms' own (`RoomEnv`) and those only the Worker uses.
 */
export interface Env extends RoomEnv {
  LIVE_ROOM: DurableObjectNamespace<LiveRoom>;
  /** How many days back the reconciliation cron looks for activities (default 14). */
  RECONCILE_DAYS?: string;
  /** Revival cards one inviter earns from invites at most (default 10; docs/security.md). */
  INVITE_REWARD_CAP?: string;
  // Rate limits ([[ratelimits]] in wrangler.toml), checked where routes declare them (workers/http/rate-limit.ts).
  SIGNUP_IP_LIMIT: RateLimit;
  SIGNUP_USER_LIMIT: RateLimit;
  INVITE_LIMIT: RateLimit;
  WITHDRAWAL_LIMIT: RateLimit;
}
