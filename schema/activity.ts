// The activity as a room sees it: loaded from D1 when the room opens, then kept in the room's storage.
// Pure data, shared by the HTTP API (which writes it) and the room (which runs it).

/** One quiz question: 2–4 options, `correct` a 0-based index into them. */
export interface QuestionConfig {
  text: string;
  options: string[];
  correct: number;
}

/**
 * One red-packet rain. The packet amounts are not part of it: they are derived from
 * (`totalCents`, `count`, `seed`) where needed — `rainPackets(rain)` in durable-objects/rain/packets.ts —
 * and never stored.
 */
export interface RainConfig {
  totalCents: number;
  count: number;
  /** Taps per second the room wants to reach it, across all players; sets the client throttle. */
  targetTapsPerSec: number;
  durationMs: number;
  seed: string;
}

export interface ActivityConfig {
  id: string;
  title: string;
  startAtMs: number;
  prizePoolCents: number;
  answerWindowMs: number;
  streamUrl: string;
  /** Red packets one player may grab in this activity, across all its rains. */
  grabCap: number;
  questions: QuestionConfig[];
  rains: RainConfig[];
}

export const DEFAULT_ANSWER_WINDOW_MS = 10_000;
export const DEFAULT_GRAB_CAP = 3;
