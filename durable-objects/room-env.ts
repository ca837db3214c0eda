// What a room reads from its environment: the bindings and vars of wrangler.toml it uses. The
// Worker's `Env` (workers/env.ts) extends it, so rooms never import the Worker for a type.

/**
 * The LiveRoom namespace as a room uses it (the Worker's `Env` has the typed one): what a stub is
 * called with is `RoomRpc` (kernel/shard-protocol.ts).
 */
export interface RoomNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): unknown;
}

/** The bindings and vars a room uses (wrangler.toml; JWT_SECRET from .dev.vars or `wrangler secret`). */
export interface RoomEnv {
  DB: D1Database;
  /** The rooms themselves: a coordinator calls its shards and they call it back (DESIGN §8). */
  LIVE_ROOM: RoomNamespace;
  /** Producer of the settlement queue: rooms drain their outbox into it (docs/settlement.md). */
  SETTLEMENT: Queue;
  JWT_SECRET: string;
  /** Grace after a question's deadline for answers still in transit, in ms (default 500). */
  ANSWER_GRACE_MS: string;
  /** "1" in the test runner only: enables the `advanceClock` RPC (durable-objects/kernel/clock.ts). */
  LIVEROOM_TEST_CLOCK?: string;
  // Danmaku and likes limits, each overriding its default (DANMAKU_VARS in danmaku/config.ts).
  DANMAKU_MAX_CHARS?: string;
  DANMAKU_MAX_BYTES?: string;
  DANMAKU_BURST?: string;
  DANMAKU_PER_SEC?: string;
  DANMAKU_TICK_MS?: string;
  DANMAKU_SHOW_PER_SEC?: string;
  LIKES_MAX_PER_FRAME?: string;
  LIKES_PER_SEC?: string;
  /**
   * Gifts per sender ([[ratelimits]] GIFT_LIMIT in wrangler.toml: 20 per 10 s), keyed by user id;
   * optional so that a room without the binding (a bench, an older config) sends gifts unlimited.
   */
  GIFT_LIMIT?: RateLimit;
}
