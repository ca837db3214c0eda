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
  /**
   * How much later than the push a viewer may show a question and still get the whole answer window,
   * ms (docs/protocol.md, "Fair answer windows"). Stored in D1; the room reads it there at each push
   * (its own copy of the activity does not keep it), so it is absent from a room's copy.
   */
  streamDelayBudgetMs?: number;
  /** Red packets one player may grab in this activity, across all its rains. */
  grabCap: number;
  /** Shard objects the room is split into (DESIGN §8): players are routed by `shardOf`. Fixed at creation. */
  shards: number;
  questions: QuestionConfig[];
  rains: RainConfig[];
}

export const DEFAULT_ANSWER_WINDOW_MS = 10_000;
export const DEFAULT_GRAB_CAP = 3;
/** The most shards one room may have. */
export const MAX_SHARDS = 256;
/**
 * Viewers one shard is sized for (docs/scale.md, "Does the sizing rule hold?"): a 20% answer burst is
 * 1,000 answers a second per shard, and five danmaku ticks a second to its sockets about half of it.
 */
export const VIEWERS_PER_SHARD = 5_000;

/**
 * The default shard count for an expected audience (docs/scale.md).
 * @example shardsFor(1_000_000) // 200
 */
export function shardsFor(expectedAudience: number): number {
  return Math.min(MAX_SHARDS, Math.max(1, Math.ceil(expectedAudience / VIEWERS_PER_SHARD)));
}

/** The longest stream-delay budget an activity may have: a minute behind the host. */
export const MAX_STREAM_DELAY_BUDGET_MS = 60_000;

/**
 * The stream-delay budget of an activity created without one: 10 s with a stream (HLS from a CDN is
 * commonly 6–10 s behind the encoder, and the host's own player is behind too), 0 without (nobody
 * holds a question, and a budget would only be seconds a cheater could claim).
 * @example defaultStreamDelayBudgetMs("https://cdn.example/live.m3u8") // 10_000
 */
export function defaultStreamDelayBudgetMs(streamUrl: string): number {
  return streamUrl === "" ? 0 : 10_000;
}
