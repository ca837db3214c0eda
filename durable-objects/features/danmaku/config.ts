// The room's danmaku and likes limits. Defaults follow the source design (danmaku rolling at about
// 20 per second, 130 bytes each); each may be overridden by a `[vars]` entry in wrangler.toml.

/** Every limit the danmaku and likes rules read. All are positive integers. */
export interface DanmakuConfig {
  /** Longest danmaku in characters (Unicode code points, after trimming). */
  maxChars: number;
  /** Longest danmaku in UTF-8 bytes: 60 CJK characters would be 180. */
  maxBytes: number;
  /** Per player: danmaku allowed in a burst (the token bucket's capacity). */
  burst: number;
  /** Per player: danmaku per second sustained (the bucket's refill rate). */
  perSec: number;
  /** Length of one tick: danmaku and likes are batched into one frame each per tick. */
  tickMs: number;
  /** Danmaku shown per second per room, at most; above it the room samples. */
  showPerSec: number;
  /** Likes one LIKE frame may carry (clients add up taps and send the count). */
  maxLikesPerFrame: number;
  /** Per player: likes per second sustained, and the burst, in likes. */
  likesPerSec: number;
}

export const DEFAULT_DANMAKU_CONFIG: DanmakuConfig = {
  maxChars: 60,
  maxBytes: 130,
  burst: 3,
  perSec: 1,
  tickMs: 200,
  showPerSec: 20,
  maxLikesPerFrame: 100,
  likesPerSec: 50,
};

/** The `[vars]` names of the overrides. */
export const DANMAKU_VARS: Record<keyof DanmakuConfig, string> = {
  maxChars: "DANMAKU_MAX_CHARS",
  maxBytes: "DANMAKU_MAX_BYTES",
  burst: "DANMAKU_BURST",
  perSec: "DANMAKU_PER_SEC",
  tickMs: "DANMAKU_TICK_MS",
  showPerSec: "DANMAKU_SHOW_PER_SEC",
  maxLikesPerFrame: "LIKES_MAX_PER_FRAME",
  likesPerSec: "LIKES_PER_SEC",
};

/**
 * The config from environment strings: each var that is a positive integer (up to 1,000,000)
 * replaces its default; anything else is ignored, so a typo cannot switch a limit off.
 * @example danmakuConfig({ DANMAKU_MAX_CHARS: "40" }).maxChars // → 40
 */
export function danmakuConfig(vars: Readonly<Record<string, unknown>>): DanmakuConfig {
  const config = { ...DEFAULT_DANMAKU_CONFIG };
  for (const key of Object.keys(DANMAKU_VARS) as (keyof DanmakuConfig)[]) {
    const raw = vars[DANMAKU_VARS[key]];
    if (typeof raw !== "string" || !/^[1-9][0-9]{0,6}$/.test(raw)) continue;
    const n = Number(raw);
    if (n <= 1_000_000) config[key] = n;
  }
  return config;
}

/**
 * Danmaku shown per tick: the per-second cap spread over the ticks of a second, at least one.
 * Ticks are due at least `tickMs` apart, so no second ever shows more than `showPerSec`
 * (rounded down to a whole number per tick).
 * @example tickCap({ showPerSec: 20, tickMs: 200 }) // → 4
 */
export function tickCap(config: Pick<DanmakuConfig, "showPerSec" | "tickMs">): number {
  return Math.max(1, Math.floor((config.showPerSec * config.tickMs) / 1000));
}

/**
 * Danmaku a pool keeps: a second's worth. A shard's batch and the coordinator's waiting pool each keep
 * this many, so arrivals that bunch (they never spread evenly over ticks) and a cadence that slips on a
 * loaded coordinator (a forward or a tick late by a few hundred ms) leave them waiting for the next
 * ticks instead of dropped; only a room over its show rate drops. (Two ticks' worth, 8, dropped 5 % of
 * a room sent exactly 20 a second at 5,000 sockets on a busy machine: bench §5.)
 * @example poolCap({ showPerSec: 20, tickMs: 200 }) // → 20
 */
export function poolCap(config: Pick<DanmakuConfig, "showPerSec" | "tickMs">): number {
  return Math.max(2 * tickCap(config), config.showPerSec);
}

/**
 * The most one tick shows, making up owed slots (`tickShowCap`): two ticks' worth.
 * @example tickMax({ showPerSec: 20, tickMs: 200 }) // → 8
 */
export function tickMax(config: Pick<DanmakuConfig, "showPerSec" | "tickMs">): number {
  return 2 * tickCap(config);
}
