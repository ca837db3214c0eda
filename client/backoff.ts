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
  /**
   * The window the first reconnect after the room went away is spread over when the Welcome
   * advertises none (`reconnectWindowMs` 0: a room older than the field). Default 5 000; 0 turns the
   * spread off for such rooms (the back-off above is used instead).
   */
  defaultWindowMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
  defaultWindowMs: 5_000,
};

/** The longest reconnect window the client honours, whatever a Welcome says (the room sends 1–30 s). */
export const MAX_RECONNECT_WINDOW_MS = 60_000;

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

/**
 * Whether a socket closed with `code` may have gone down together with every other socket of the room,
 * so that its reconnect must be spread over the room's window. A deploy or a restart of the room's
 * objects reaches a browser as 1001 (going away), 1012 (service restart) or, as often, 1006 (no close
 * frame) after an error event (code 0); a client cannot tell that 1006 from its own network dropping.
 * So every code but the room's own (4000–4999, sent to one socket for its own reasons) counts; the
 * client's heartbeat watchdog closes with 4000 too, and is per client.
 *
 * @example
 * roomWentAway(1006); // true
 * roomWentAway(4008); // false: this socket flooded the room
 */
export function roomWentAway(code: number): boolean {
  return code < 4000 || code > 4999;
}

/**
 * The delay before the first reconnect after the room went away: uniform in [0, window), where the
 * window is the Welcome's `reconnectWindowMs` (capped at MAX_RECONNECT_WINDOW_MS), or `defaultWindowMs`
 * when the Welcome has none. Spread this way, a room's viewers come back at an even rate of
 * viewers ÷ window instead of all at once. `undefined` when there is no window (the back-off applies).
 *
 * @example
 * spreadDelay(10_000, 5_000, () => 0.25); // { delayMs: 2500, windowMs: 10000 }
 * spreadDelay(0, 5_000, () => 0.5); // { delayMs: 2500, windowMs: 5000 }: the default window
 */
export function spreadDelay(
  advertisedMs: number,
  defaultWindowMs: number,
  random: () => number,
): { delayMs: number; windowMs: number } | undefined {
  const windowMs = Math.min(
    MAX_RECONNECT_WINDOW_MS,
    Math.floor(advertisedMs > 0 ? advertisedMs : defaultWindowMs),
  );
  if (!(windowMs > 0)) return undefined;
  const r = Math.min(1, Math.max(0, random()));
  return { delayMs: Math.min(windowMs - 1, Math.floor(r * windowMs)), windowMs };
}
