// A per-socket frame budget, checked before a frame is decoded (issue 12: a flood of malformed frames
// from one socket delayed everyone's answers past their deadline). Pure: the kernel keeps one budget
// per socket in memory and acts on the verdict. After a hibernation every socket starts full again.
import { availableTokens, createBucket, take, type TokenBucket } from "./token-bucket";

/** Frames a socket may send: a burst, then a steady rate; tokenless sockets get far less. */
export interface FrameBudgetConfig {
  capacity: number;
  perSec: number;
  /** Before AUTH a socket has nothing to send but its token. */
  anonCapacity: number;
  anonPerSec: number;
  /** Over-budget frames in a row after which the socket is closed (`CLOSE_FRAME_FLOOD`). */
  strikes: number;
}

/**
 * Honest clients send a few frames a second (4–5 throttled taps, an answer, danmaku, likes; the
 * heartbeat is answered by the runtime and never reaches the room), so 40 at once and 20/s leave
 * room for a burst of taps while a flood is cut after a fraction of a second.
 */
export const DEFAULT_FRAME_BUDGET: FrameBudgetConfig = {
  capacity: 40,
  perSec: 20,
  anonCapacity: 4,
  anonPerSec: 1,
  strikes: 40,
};

export interface SocketBudget {
  bucket: TokenBucket;
  authed: boolean;
  /** Over-budget frames since the socket last had a full bucket. */
  over: number;
}

/**
 * ok: handle the frame. refuse: answer FRAME_RATE_LIMITED once (the first frame over budget in a streak),
 * drop: ignore it (answering a flood would be a flood too), close: close the socket.
 */
export type FrameVerdict = "ok" | "refuse" | "drop" | "close";

/**
 * Charges one frame to a socket's budget. A socket that authenticated since its budget was made
 * gets the larger budget from then on.
 * @example judgeFrame(undefined, true, 0, DEFAULT_FRAME_BUDGET).verdict // → "ok"
 */
export function judgeFrame(
  budget: SocketBudget | undefined,
  authed: boolean,
  nowMs: number,
  config: FrameBudgetConfig,
): { budget: SocketBudget; verdict: FrameVerdict } {
  let b = budget;
  if (b === undefined || (authed && !b.authed)) {
    const limits = authed
      ? { capacity: config.capacity, ratePerSec: config.perSec }
      : { capacity: config.anonCapacity, ratePerSec: config.anonPerSec };
    b = { bucket: createBucket(limits, nowMs), authed, over: 0 };
  }
  // The streak of over-budget frames ends only once the socket was quiet long enough to refill its
  // whole bucket: a flood slower than the runtime can deliver still gets a token now and then.
  const over0 = availableTokens(b.bucket, nowMs) >= b.bucket.capacity ? 0 : b.over;
  const t = take(b.bucket, nowMs);
  if (t.ok) return { budget: { ...b, bucket: t.bucket, over: over0 }, verdict: "ok" };
  const over = over0 + 1;
  const next = { ...b, bucket: t.bucket, over };
  if (over >= config.strikes) return { budget: next, verdict: "close" };
  return { budget: next, verdict: over === 1 ? "refuse" : "drop" };
}
