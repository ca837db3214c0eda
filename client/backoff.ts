/** How reconnects back off. All delays in ms. */
export interface BackoffOptions {
  /** Delay before the first retry. Default 500. */
  initialDelayMs: number;
  /** Upper bound of any delay. Default 30 000. */
  maxDelayMs: number;
  /** Growth per attempt. Default 2. */
  factor: number;
  /** Fraction of the delay taken off at random (0 = none, 1 = full jitter). Default 0.5. */
  jitter: number;
  /** Attempts before giving up (state "closed"). Default Infinity. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * The delay before reconnect attempt `attempt` (0-based): exponential, capped, and jittered so
 * that a million viewers dropped by one deploy do not all come back in the same millisecond.
 *
 * @example
 * backoffDelay(3, DEFAULT_BACKOFF, () => 0); // 4000
 * backoffDelay(3, DEFAULT_BACKOFF, () => 1); // 2000 (random is in [0, 1), so just above)
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number): number {
  const base = Math.min(opts.maxDelayMs, opts.initialDelayMs * opts.factor ** attempt);
  const jitter = Math.min(1, Math.max(0, opts.jitter));
  return Math.round(base * (1 - jitter * random()));
}
