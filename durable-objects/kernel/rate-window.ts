// A sliding count of events per second (the room's grabs/s for the operator), as plain data:
// whole-second slots in a ring, so recording is O(1) and the memory is `seconds` numbers.

/** Event counts for the last `counts.length` whole seconds; `lastSec` is the second of the newest slot. */
export interface RateWindow {
  counts: readonly number[];
  lastSec: number;
}

/**
 * An empty window over `seconds` seconds. Throws a RangeError unless seconds is a positive integer.
 *
 * @example createRateWindow(5) // → { counts: [0, 0, 0, 0, 0], lastSec: 0 }
 */
export function createRateWindow(seconds: number): RateWindow {
  if (!Number.isSafeInteger(seconds) || seconds < 1)
    throw new RangeError(`rate window: bad seconds ${seconds}`);
  return { counts: new Array<number>(seconds).fill(0), lastSec: 0 };
}

/** The window moved to `nowMs`'s second: slots of seconds that passed without events are zeroed. */
function advance(w: RateWindow, nowSec: number): RateWindow {
  const size = w.counts.length;
  const steps = nowSec - w.lastSec;
  // A clock that went backwards counts into the newest slot instead of rewriting history.
  if (steps <= 0) return w;
  if (steps >= size) return { counts: new Array<number>(size).fill(0), lastSec: nowSec };
  const counts = [...w.counts];
  for (let s = w.lastSec + 1; s <= nowSec; s++) counts[s % size] = 0;
  return { counts, lastSec: nowSec };
}

/**
 * The window with `n` events (default 1) recorded at `nowMs`.
 *
 * @example recordEvents(createRateWindow(5), 1_500).counts // → [0, 1, 0, 0, 0]
 */
export function recordEvents(w: RateWindow, nowMs: number, n = 1): RateWindow {
  const moved = advance(w, Math.floor(nowMs / 1000));
  const counts = [...moved.counts];
  const slot = moved.lastSec % counts.length;
  counts[slot] = (counts[slot] ?? 0) + n;
  return { counts, lastSec: moved.lastSec };
}

/**
 * Events per second at `nowMs`: the events of the current second and the `seconds − 1` before it,
 * divided by `seconds`, rounded down. The current second is partial, so a burst shows at once and
 * the figure fades over the window once the events stop.
 *
 * @example ratePerSec(recordEvents(createRateWindow(5), 1_000, 50), 1_200) // → 10
 */
export function ratePerSec(w: RateWindow, nowMs: number): number {
  const moved = advance(w, Math.floor(nowMs / 1000));
  let sum = 0;
  for (const c of moved.counts) sum += c;
  return Math.floor(sum / moved.counts.length);
}
