// The client throttle: the fraction of taps each client sends so that the room sees about the
// target tap rate, not online × 5 taps per second.

/** Parts per million meaning "send every tap". */
export const PPM_ALL = 1_000_000;

/** Taps per second one viewer makes by default (the source design expects 4–5). */
export const DEFAULT_TAPS_PER_VIEWER_PER_SEC = 5;

/**
 * Tap rate wanted per packet left: the room never asks for more than this many taps per second per
 * remaining packet. One tap per packet would do in theory; ten leaves room for taps lost to caps,
 * the bucket and latency while still cutting the storm once the pool runs low.
 */
export const TAPS_PER_PACKET_LEFT_PER_SEC = 10;

/** What the throttle depends on. */
export interface ThrottleInput {
  /** Sockets in the room that may tap (an integer ≥ 0). */
  online: number;
  /** Packets still in the pool (an integer ≥ 0). */
  packetsLeft: number;
  /** Taps per second the room wants to receive across all players (> 0). */
  targetTapsPerSec: number;
  /** Taps per second one viewer makes unthrottled (> 0); default 5. */
  tapsPerViewerPerSec?: number;
}

/**
 * The client throttle factor in parts per million (1,000,000 = send every tap), an integer.
 *
 * Rule: wanted = min(targetTapsPerSec, 10 × packetsLeft) taps/s; offered = online × tapsPerViewerPerSec
 * taps/s; ppm = floor(1e6 × wanted / offered), clamped to [1, 1e6] — 1e6 when offered ≤ wanted
 * (including an empty room) — and 0 exactly when packetsLeft is 0. Rounding down keeps the expected
 * rate at or under the target; the floor of 1 ppm keeps a non-empty pool reachable.
 * Throws a RangeError for negative, non-integer or non-finite input (a bug: the room computes it).
 *
 * @example throttlePpm({ online: 1_000_000, packetsLeft: 50_000, targetTapsPerSec: 100_000 }) // → 20_000 (2 %)
 */
export function throttlePpm(input: ThrottleInput): number {
  const { online, packetsLeft, targetTapsPerSec } = input;
  const perViewer = input.tapsPerViewerPerSec ?? DEFAULT_TAPS_PER_VIEWER_PER_SEC;
  if (!Number.isSafeInteger(online) || online < 0) throw new RangeError(`throttle: bad online ${online}`);
  if (!Number.isSafeInteger(packetsLeft) || packetsLeft < 0) {
    throw new RangeError(`throttle: bad packetsLeft ${packetsLeft}`);
  }
  if (!(Number.isFinite(targetTapsPerSec) && targetTapsPerSec > 0)) {
    throw new RangeError(`throttle: bad targetTapsPerSec ${targetTapsPerSec}`);
  }
  if (!(Number.isFinite(perViewer) && perViewer > 0)) {
    throw new RangeError(`throttle: bad tapsPerViewerPerSec ${perViewer}`);
  }
  if (packetsLeft === 0) return 0;
  const wanted = Math.min(targetTapsPerSec, packetsLeft * TAPS_PER_PACKET_LEFT_PER_SEC);
  const offered = online * perViewer;
  if (offered <= wanted) return PPM_ALL;
  return Math.max(1, Math.floor((PPM_ALL * wanted) / offered));
}

/**
 * Whether a new throttle factor is worth a THROTTLE broadcast, compared with the last one *sent*
 * (not the last computed, or a slow drift would never be sent).
 *
 * Rule: never when equal; always when `next` is 0 (the pool is empty: stop tapping) or 1e6 (send
 * every tap); otherwise when the larger is at least 1.25 × the smaller (4 × max ≥ 5 × min, in
 * integers), which also covers any change away from 0.
 *
 * @example shouldResend(20_000, 25_000) // → true; shouldResend(20_000, 24_000) // → false
 */
export function shouldResend(prevPpm: number, nextPpm: number): boolean {
  if (prevPpm === nextPpm) return false;
  if (nextPpm === 0 || nextPpm === PPM_ALL) return true;
  const max = Math.max(prevPpm, nextPpm);
  const min = Math.min(prevPpm, nextPpm);
  return 4 * max >= 5 * min;
}
