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
}
