import type { LiveRoom } from "../durable-objects/live-room";

/** The Worker's bindings (wrangler.toml, plus the JWT_SECRET secret from .dev.vars or `wrangler secret`). */
export interface Env {
  DB: D1Database;
  LIVE_ROOM: DurableObjectNamespace<LiveRoom>;
  JWT_SECRET: string;
  ANSWER_GRACE_MS: string;
  /** Producer of the settlement queue: rooms drain their outbox into it (docs/settlement.md). */
  SETTLEMENT: Queue;
  /** How many days back the reconciliation cron looks for activities (default 14). */
  RECONCILE_DAYS?: string;
}
