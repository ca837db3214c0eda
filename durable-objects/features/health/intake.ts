// Pure figures of the room's health (docs/live-room.md, "Show health"): a question's answer intake
// from the lag histograms its shards count, percentiles, rates over a window, and the room's totals.
import type { AnswerLagView, QuestionIntakeView } from "../../../schema/room-health";

/** The lag histogram's resolution: an answer's lag (ms after its question's push) is counted in 100 ms steps. */
export const LAG_BUCKET_MS = 100;
/** The window of the reconnect and resume rates. */
export const RATE_WINDOW_SEC = 60;

/** Answers per lag bucket, sparse: [bucket, count] with bucket = ⌊lag / LAG_BUCKET_MS⌋, ascending. */
export type LagHistogram = readonly (readonly [number, number])[];

/** A pushed question as the coordinator records it. */
export interface QuestionRecord {
  question: number;
  pushedAtMs: number;
  /** The room's last moment for an answer before the grace (push + window + stream-delay budget). */
  deadlineMs: number;
  revealedAtMs: number | null;
}

/** A value rounded to 2 decimals. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * The shards' histograms added up, ascending by bucket.
 *
 * @example mergeHistograms([[[0, 2]], [[0, 1], [3, 1]]]) // → [[0, 3], [3, 1]]
 */
export function mergeHistograms(parts: readonly LagHistogram[]): LagHistogram {
  const sum = new Map<number, number>();
  for (const part of parts) for (const [b, n] of part) sum.set(b, (sum.get(b) ?? 0) + n);
  return [...sum.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
}

/**
 * The nearest-rank p-th percentile (0 < p ≤ 100) of the lags, as its bucket's lower bound in ms;
 * null when there are none.
 *
 * @example lagPercentile([[0, 1], [10, 1], [20, 2]], 50) // → 1000 (the 2nd of 4 lags)
 */
export function lagPercentile(h: LagHistogram, p: number): number | null {
  const total = h.reduce((n, [, c]) => n + c, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [b, c] of h) {
    seen += c;
    if (seen >= rank) return b * LAG_BUCKET_MS;
  }
  return h[h.length - 1]![0] * LAG_BUCKET_MS;
}

/**
 * Answers in each whole second after the push, from the first second through the last with an answer.
 *
 * @example answersPerSecond([[0, 2], [25, 1]]) // → [2, 0, 1]
 */
export function answersPerSecond(h: LagHistogram): number[] {
  const perBucket = 1000 / LAG_BUCKET_MS;
  const last = h.length === 0 ? -1 : Math.floor(h[h.length - 1]![0] / perBucket);
  const out = new Array<number>(last + 1).fill(0);
  for (const [b, c] of h) out[Math.floor(b / perBucket)]! += c;
  return out;
}

/** The lag percentiles of a histogram, or null when it is empty. */
export function lagOf(h: LagHistogram): AnswerLagView | null {
  const p50 = lagPercentile(h, 50);
  if (p50 === null) return null;
  return {
    p50,
    p90: lagPercentile(h, 90)!,
    p99: lagPercentile(h, 99)!,
    max: h[h.length - 1]![0] * LAG_BUCKET_MS,
  };
}

/**
 * One question's intake at `nowMs` from every shard's histogram. It takes answers from its push to
 * the earliest of its reveal and its deadline + grace; `perSec` is the answers over that time so far,
 * at least 1 s.
 *
 * @example
 * intakeOf({ question: 0, pushedAtMs: 0, deadlineMs: 10_000, revealedAtMs: null }, [[[0, 1], [5, 2], [15, 2]]], 2_000, 500)
 * // → { question: 0, pushedAtMs: 0, openMs: 2000, open: true, answers: 5, perSec: 2.5, peakPerSec: 3, … }
 */
export function intakeOf(
  q: QuestionRecord,
  shards: readonly LagHistogram[],
  nowMs: number,
  graceMs: number,
): QuestionIntakeView {
  const h = mergeHistograms(shards);
  const closesAt = Math.min(q.deadlineMs + graceMs, q.revealedAtMs ?? Number.POSITIVE_INFINITY);
  const openMs = Math.max(0, Math.min(nowMs, closesAt) - q.pushedAtMs);
  const answers = h.reduce((n, [, c]) => n + c, 0);
  const perSecond = answersPerSecond(h);
  return {
    question: q.question,
    pushedAtMs: q.pushedAtMs,
    openMs,
    open: nowMs < closesAt,
    answers,
    perSec: round2((answers * 1000) / Math.max(openMs, 1000)),
    peakPerSec: perSecond.reduce((m, n) => Math.max(m, n), 0),
    lagMs: lagOf(h),
    perSecond,
  };
}

/** An age in ms at `nowMs` of something from `atMs`; null stays null. */
export const ageOf = (atMs: number | null, nowMs: number): number | null =>
  atMs === null ? null : Math.max(0, nowMs - atMs);

/** The oldest of some moments (null when none). */
export function oldest(moments: readonly (number | null)[]): number | null {
  let min: number | null = null;
  for (const m of moments) if (m !== null && (min === null || m < min)) min = m;
  return min;
}

/** Events in the rate window, as a rate per second (2 decimals). */
export const perSecOver = (events: number, seconds = RATE_WINDOW_SEC): number => round2(events / seconds);
