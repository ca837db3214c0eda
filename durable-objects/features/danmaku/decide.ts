// The room's decision on one DANMAKU or LIKE frame, cheapest and most likely refusals first.
// Pure: the room passes in what it holds (mute, buckets, filter) and stores what comes back.

import type { Phase } from "../quiz/state";
import type { DanmakuConfig } from "./config";
import { blockedWord, type WordFilter } from "./filter";
import { SHOW_MUTE_UNTIL_MS, slowModeWait } from "./moderation";
import { type PlayerBuckets, takeFor } from "./rate";
import { checkDanmakuText, type TextRejectCode } from "./text";

/** Why a danmaku is refused and never stored (a `liveroom.Code` name). BLOCKED is separate: it counts as in. */
export type DanmakuRefuseCode =
  | "NOT_ALLOWED_NOW"
  | "MUTED"
  | TextRejectCode
  | "SLOW_MODE_WAIT"
  | "DANMAKU_RATE_LIMITED";

export interface DanmakuInput {
  userId: string;
  text: string;
  phase: Phase;
  /** Until when the sender is muted (room clock), or null. */
  mutedUntilMs: number | null;
  /** Slow mode: one danmaku per this many seconds per player (0 or absent: off), and the sender's last one. */
  slowModeSec?: number;
  lastSentMs?: number | null;
  nowMs: number;
  buckets: PlayerBuckets;
  filter: WordFilter;
  config: DanmakuConfig;
}

export type DanmakuDecision =
  | { kind: "refused"; code: DanmakuRefuseCode; message: string; buckets: PlayerBuckets }
  | { kind: "blocked"; word: string; buckets: PlayerBuckets }
  | { kind: "accepted"; text: string; buckets: PlayerBuckets };

/**
 * Decides a danmaku: room ended → NOT_ALLOWED_NOW; sender muted → MUTED; bad text → its code
 * (nothing counted against the sender's rate); in slow mode and sooner than the interval after the
 * sender's last one → SLOW_MODE_WAIT (its message ends "wait <ms> ms"); over the sender's rate →
 * DANMAKU_RATE_LIMITED; a blocked word → blocked (it used a token, so probing the filter is rate
 * limited too, and it starts the slow-mode interval); else accepted with the normalised text.
 */
export function decideDanmaku(input: DanmakuInput): DanmakuDecision {
  const { buckets, config, nowMs } = input;
  if (input.phase === "ended") {
    return { kind: "refused", code: "NOT_ALLOWED_NOW", message: "the activity has ended", buckets };
  }
  if (input.mutedUntilMs !== null && input.mutedUntilMs > nowMs) {
    const left = input.mutedUntilMs - nowMs;
    return {
      kind: "refused",
      code: "MUTED",
      message:
        input.mutedUntilMs === SHOW_MUTE_UNTIL_MS
          ? "muted by the host for the rest of the show"
          : `muted by the host for ${Math.ceil(left / 1000)} s more`,
      buckets,
    };
  }
  const text = checkDanmakuText(input.text, config);
  if (!text.ok) return { kind: "refused", code: text.code, message: text.message, buckets };
  const slow = input.slowModeSec ?? 0;
  const wait = slowModeWait({ seconds: slow, lastAtMs: input.lastSentMs ?? null, nowMs });
  if (wait > 0) {
    return {
      kind: "refused",
      code: "SLOW_MODE_WAIT",
      message: `slow mode: one danmaku per ${slow} s; wait ${wait} ms`,
      buckets,
    };
  }
  const took = takeFor(buckets, input.userId, { capacity: config.burst, ratePerSec: config.perSec }, nowMs);
  if (!took.ok) {
    return {
      kind: "refused",
      code: "DANMAKU_RATE_LIMITED",
      message: `at most ${config.burst} at once and ${config.perSec} per second`,
      buckets: took.buckets,
    };
  }
  const word = blockedWord(input.filter, text.text);
  if (word !== null) return { kind: "blocked", word, buckets: took.buckets };
  return { kind: "accepted", text: text.text, buckets: took.buckets };
}

/** Why likes are refused (a `liveroom.Code` name). */
export type LikeRefuseCode = "NOT_ALLOWED_NOW" | "LIKE_BAD_COUNT" | "LIKE_RATE_LIMITED";

export type LikeDecision =
  | { kind: "refused"; code: LikeRefuseCode; message: string; buckets: PlayerBuckets }
  | { kind: "accepted"; count: number; buckets: PlayerBuckets };

/**
 * Decides a LIKE frame carrying `count` taps: 1 to `maxLikesPerFrame` (a count of 0 means 1, the
 * proto default), within the player's likes per second (burst: one full frame).
 * @example decideLike({ userId: "a", count: 5, phase: "lobby", nowMs: 0, buckets: new Map(), config }).kind // → "accepted"
 */
export function decideLike(input: {
  userId: string;
  count: number;
  phase: Phase;
  nowMs: number;
  buckets: PlayerBuckets;
  config: DanmakuConfig;
}): LikeDecision {
  const { buckets, config } = input;
  if (input.phase === "ended") {
    return { kind: "refused", code: "NOT_ALLOWED_NOW", message: "the activity has ended", buckets };
  }
  const count = input.count === 0 ? 1 : input.count;
  if (!Number.isSafeInteger(count) || count < 1 || count > config.maxLikesPerFrame) {
    return {
      kind: "refused",
      code: "LIKE_BAD_COUNT",
      message: `a LIKE carries 1 to ${config.maxLikesPerFrame} likes`,
      buckets,
    };
  }
  // The burst holds one full frame, so a client that batches a second's taps is never refused.
  const limits = {
    capacity: Math.max(config.likesPerSec, config.maxLikesPerFrame),
    ratePerSec: config.likesPerSec,
  };
  const took = takeFor(buckets, input.userId, limits, input.nowMs, count);
  if (!took.ok) {
    return {
      kind: "refused",
      code: "LIKE_RATE_LIMITED",
      message: `at most ${config.likesPerSec} likes per second`,
      buckets: took.buckets,
    };
  }
  return { kind: "accepted", count, buckets: took.buckets };
}
