// Per-player rate limits for danmaku and likes: one token bucket per player (rain/token-bucket.ts),
// kept as plain data in a map the room holds in memory. Pure: the map is returned, never mutated.

import { createBucket, type TokenBucket, take } from "../../kernel/token-bucket";

/** Buckets by user id. */
export type PlayerBuckets = ReadonlyMap<string, TokenBucket>;

/** The result of `takeFor`: whether the player may go on, and the buckets to keep either way. */
export interface PlayerTake {
  ok: boolean;
  buckets: PlayerBuckets;
}

/**
 * Takes `cost` tokens from the player's bucket, creating a full one (`capacity`, `ratePerSec`) for a
 * player seen for the first time.
 * @example takeFor(new Map(), "alice", { capacity: 3, ratePerSec: 1 }, 0).ok // → true
 */
export function takeFor(
  buckets: PlayerBuckets,
  userId: string,
  limits: { capacity: number; ratePerSec: number },
  nowMs: number,
  cost = 1,
): PlayerTake {
  const bucket = buckets.get(userId) ?? createBucket(limits, nowMs);
  const r = take(bucket, nowMs, cost);
  const next = new Map(buckets);
  next.set(userId, r.bucket);
  return { ok: r.ok, buckets: next };
}

/**
 * The buckets without those that would be full again by `nowMs`: forgetting them changes nothing
 * (a new bucket starts full), and keeps the map as small as the set of recent senders.
 * @example pruneBuckets(buckets, Date.now()).size // ≤ buckets.size
 */
export function pruneBuckets(buckets: PlayerBuckets, nowMs: number): PlayerBuckets {
  const next = new Map<string, TokenBucket>();
  for (const [user, b] of buckets) {
    const missingMilli = b.capacity * 1000 - b.milliTokens;
    const refillMs = Math.ceil(missingMilli / b.ratePerSec);
    if (nowMs - b.lastRefillMs < refillMs) next.set(user, b);
  }
  return next;
}
