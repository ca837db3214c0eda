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
  /** Shard objects the room is split into (DESIGN §8): players are routed by `shardOf`. Fixed at creation. */
  shards: number;
  questions: QuestionConfig[];
  rains: RainConfig[];
}

export const DEFAULT_ANSWER_WINDOW_MS = 10_000;
export const DEFAULT_GRAB_CAP = 3;
/** The most shards one room may have. */
export const MAX_SHARDS = 128;
/** Viewers one shard is sized for (docs/scale.md): well under a Durable Object's 32,768 sockets, and
 * 20% of them answering within one second stays under one shard's measured answer rate. */
export const VIEWERS_PER_SHARD = 10_000;

/**
 * The default shard count for an expected audience (docs/scale.md).
 * @example shardsFor(1_000_000) // 100
 */
export function shardsFor(expectedAudience: number): number {
  return Math.min(MAX_SHARDS, Math.max(1, Math.ceil(expectedAudience / VIEWERS_PER_SHARD)));
}
