// The chart's arithmetic, apart from the DOM so that it is unit-tested in Node.

export interface Sample {
  atMs: number;
  online: number;
  answers: number;
}

/** How many seconds of history the chart keeps. */
export const WINDOW_SAMPLES = 120;
/** The chart is at least this many samples wide, so a fresh room does not draw one steep line. */
export const MIN_SLOTS = 30;

/**
 * The `d` of an SVG path through `values`, x spread over `width` slots, y scaled so `max` is the top.
 *
 * @example linePath([0, 5, 10], 3, 100, 50, 10) // "M0,50 L50,25 L100,0"
 */
export function linePath(
  values: number[],
  slots: number,
  width: number,
  height: number,
  max: number,
): string {
  if (values.length === 0) return "";
  const step = slots > 1 ? width / (slots - 1) : 0;
  const scale = max > 0 ? height / max : 0;
  return values
    .map((v, i) => `${i === 0 ? "M" : "L"}${round(i * step)},${round(height - v * scale)}`)
    .join(" ");
}

/**
 * A counter's rate between two samples, per second with one decimal; 0 when time did not move or
 * the counter went back (a new room).
 *
 * @example ratePerSec({ atMs: 0, value: 10 }, { atMs: 2000, value: 15 }) // 2.5
 */
export function ratePerSec(
  prev: { atMs: number; value: number },
  next: { atMs: number; value: number },
): number {
  const dt = next.atMs - prev.atMs;
  if (dt <= 0 || next.value < prev.value) return 0;
  return Math.round(((next.value - prev.value) * 10_000) / dt) / 10;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A round axis maximum at or above `n` (1, 2, 5, 10, 20, 50…), so the scale does not jitter. */
export function niceMax(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}
