// The room's token bucket in front of the red-packet pool, as plain data: the room keeps the
// value, these functions return a new one. Nothing here reads a clock.

/**
 * A token bucket. Tokens are counted in thousandths (`milliTokens`, an integer) so that refilling
 * at an integer `ratePerSec` over integer milliseconds is exact: `ratePerSec` tokens per second is
 * `ratePerSec` milli-tokens per millisecond, and no float drift can ever grant an extra tap.
 */
export interface TokenBucket {
  /** Most whole tokens the bucket holds: the largest burst it lets through. A positive integer. */
  capacity: number;
  /** Whole tokens added per second. A positive integer. */
  ratePerSec: number;
  /** Tokens held, in thousandths of a token: an integer in [0, capacity × 1000]. */
  milliTokens: number;
  /** The room clock (ms) the bucket was last refilled at; it never moves backwards. */
  lastRefillMs: number;
}

/** The result of `take`: `ok` whether the tokens were taken; `bucket` the state to keep either way. */
export interface TakeResult {
  ok: boolean;
  bucket: TokenBucket;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`token bucket: ${name} must be a positive integer (${value})`);
  }
}

/**
 * A full bucket, as at the start of a rain.
 * Throws a RangeError unless capacity and ratePerSec are positive integers (a bug: config is validated).
 *
 * @example createBucket({ capacity: 200, ratePerSec: 1000 }, Date.now()) // → 200 tokens
 */
export function createBucket(limits: { capacity: number; ratePerSec: number }, nowMs: number): TokenBucket {
  assertPositiveInteger("capacity", limits.capacity);
  assertPositiveInteger("ratePerSec", limits.ratePerSec);
  return {
    capacity: limits.capacity,
    ratePerSec: limits.ratePerSec,
    milliTokens: limits.capacity * 1000,
    lastRefillMs: nowMs,
  };
}

/**
 * The bucket refilled up to `nowMs`: ratePerSec tokens per elapsed second, never above capacity.
 * Only whole elapsed milliseconds are credited and `lastRefillMs` advances by exactly those, so a
 * fractional clock loses nothing. A clock that went backwards credits nothing and leaves
 * `lastRefillMs` where it was, so the same interval is never credited twice.
 *
 * @example refill({ capacity: 10, ratePerSec: 2, milliTokens: 0, lastRefillMs: 0 }, 1500).milliTokens // → 3000
 */
export function refill(bucket: TokenBucket, nowMs: number): TokenBucket {
  const full = bucket.capacity * 1000;
  const elapsedMs = Math.floor(nowMs - bucket.lastRefillMs);
  if (!(elapsedMs > 0)) return bucket;
  // capacity × 1000 ms fills an empty bucket at the slowest rate (1/s): past that, the bucket is full,
  // and elapsedMs × ratePerSec could pass 2⁵³.
  if (elapsedMs >= full)
    return { ...bucket, milliTokens: full, lastRefillMs: bucket.lastRefillMs + elapsedMs };
  const milliTokens = Math.min(full, bucket.milliTokens + elapsedMs * bucket.ratePerSec);
  return { ...bucket, milliTokens, lastRefillMs: bucket.lastRefillMs + elapsedMs };
}

/**
 * Takes `cost` whole tokens (default 1) at `nowMs`, after refilling. Returns a new bucket, never
 * mutating the one given: on refusal, the refilled bucket (keeping it or the old one is equivalent).
 * Throws a RangeError unless cost is a positive integer.
 *
 * @example
 * const b = createBucket({ capacity: 1, ratePerSec: 1 }, 0);
 * take(b, 0).ok // → true
 * take(take(b, 0).bucket, 500).ok // → false: half a token after 500 ms
 */
export function take(bucket: TokenBucket, nowMs: number, cost = 1): TakeResult {
  assertPositiveInteger("cost", cost);
  const refilled = refill(bucket, nowMs);
  const milliCost = cost * 1000;
  if (refilled.milliTokens < milliCost) return { ok: false, bucket: refilled };
  return { ok: true, bucket: { ...refilled, milliTokens: refilled.milliTokens - milliCost } };
}

/**
 * Whole tokens available at `nowMs`, for stats.
 *
 * @example availableTokens(createBucket({ capacity: 5, ratePerSec: 1 }, 0), 0) // → 5
 */
export function availableTokens(bucket: TokenBucket, nowMs: number): number {
  return Math.floor(refill(bucket, nowMs).milliTokens / 1000);
}
