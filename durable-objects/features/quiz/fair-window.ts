// Fair answer windows when questions are shown late on purpose (docs/protocol.md, "Fair answer
// windows"). Viewers hold a question until their player reaches the stream position the host saw,
// so each sees it when their own picture gets there: `delay` ms after the push, where the delay is
// their stream latency minus the host's. The room cannot see anyone's picture. It allows each answer
// the window counted from when that viewer showed the question, estimated from the playback position
// the answer reports, and never more than the activity's stream-delay budget after the push:
//
//   shownAt  = clamp(now − (reported position − stamp), push, push + budget)
//   deadline = shownAt + window        accepted while now ≤ deadline + grace
//
// An answer without a position (a page without a stream, an older client), or to a question the host
// did not stamp, gets the window from the push, as before. Positions are stamps (client/stream-time.ts).
import { stampDiff } from "../../../client/stream-time";
import type { CurrentQuestion } from "./state";

/** Where the answer says its player was, and the room's clock when it arrived. */
export interface AnswerTiming {
  /** The player's stream position when the viewer answered, a stamp; 0 when the answer reports none. */
  streamPosMs: number;
  nowMs: number;
}

/** The room's estimate of when this viewer showed the question, and the deadline that follows. */
export interface FairWindow {
  shownAtMs: number;
  deadlineMs: number;
  /** Whether the answer's position was used (else the window counts from the push). */
  reported: boolean;
}

/** When the question was pushed: its deadline less the window and the budget (state.ts). */
export function pushedAtMs(q: CurrentQuestion): number {
  return q.deadlineMs - q.windowMs - (q.delayBudgetMs ?? 0);
}

/**
 * The answer window of one answer. A cheater who reads the frame before their picture and reports
 * whatever position suits them gets at most `budget` ms more than a viewer with no delay at all: the
 * clamp's upper end.
 * @example fairWindow(q, { streamPosMs: toStamp(position), nowMs })
 */
export function fairWindow(q: CurrentQuestion, timing: AnswerTiming): FairWindow {
  const push = pushedAtMs(q);
  const budget = q.delayBudgetMs ?? 0;
  if (q.streamTsMs === 0 || timing.streamPosMs === 0 || budget === 0) {
    return { shownAtMs: push, deadlineMs: push + q.windowMs, reported: false };
  }
  // How long the player has been past the stamp: the time since this viewer's picture reached it.
  const sinceShown = stampDiff(timing.streamPosMs, q.streamTsMs);
  const shownAtMs = Math.min(push + budget, Math.max(push, timing.nowMs - sinceShown));
  return { shownAtMs, deadlineMs: shownAtMs + q.windowMs, reported: true };
}

/**
 * Whether an answer arriving at `timing.nowMs` is in time: within its fair window plus the grace that
 * absorbs transit.
 */
export function inTime(q: CurrentQuestion, timing: AnswerTiming, graceMs: number): boolean {
  return timing.nowMs <= fairWindow(q, timing).deadlineMs + graceMs;
}
