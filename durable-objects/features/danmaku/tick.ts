// The room's danmaku and likes counters and what closing a tick does to them. Pure: the room keeps
// the counters in storage and sends the frames.

/**
 * A room's danmaku and likes figures. At any moment `in = shown + dropped + blocked + pending`,
 * where pending is the current tick's `seen` (decided when the tick closes).
 */
export interface DanmakuCounters {
  /** Danmaku that passed the text checks and the rate limit and reached the filter. */
  in: number;
  shown: number;
  /** Accepted but not sampled: over the room's show rate. */
  dropped: number;
  /** Stopped by the keyword filter (the sender was told). */
  blocked: number;
  /** Refused before the filter: bad text, rate limited, muted, ended. Never stored. */
  refused: number;
  /** Shown, then deleted by a host. */
  deleted: number;
  /** Likes counted in the room. */
  likes: number;
  /** The likes total last broadcast. */
  likesShown: number;
  /** Ticks closed so far: the `tick` number of the next frame is this + 1. */
  ticks: number;
}

export const ZERO_COUNTERS: DanmakuCounters = {
  in: 0,
  shown: 0,
  dropped: 0,
  blocked: 0,
  refused: 0,
  deleted: 0,
  likes: 0,
  likesShown: 0,
  ticks: 0,
};

/** What closing a tick shows: the sampled danmaku (if any) and the likes total (if it moved). */
export interface TickClose<T> {
  counters: DanmakuCounters;
  tick: number;
  /** The danmaku to show, in arrival order; empty: no DANMAKU_TICK frame. */
  shown: T[];
  /** Danmaku of this tick not sampled. */
  dropped: number;
  /** The likes to broadcast, or null when the total did not move. */
  likes: { total: number; added: number } | null;
}

/**
 * Closes a tick in which `seen` danmaku arrived and `kept` (at most the tick's cap) were sampled.
 * `kept` must already be in arrival order (e.g. by danmaku id).
 * @example closeTick(ZERO_COUNTERS, 10, ["a", "b", "c", "d"]).dropped // → 6
 */
export function closeTick<T>(counters: DanmakuCounters, seen: number, kept: readonly T[]): TickClose<T> {
  if (kept.length > seen) throw new RangeError(`tick kept ${kept.length} of ${seen}`);
  const dropped = seen - kept.length;
  const tick = counters.ticks + 1;
  const likes =
    counters.likes > counters.likesShown
      ? { total: counters.likes, added: counters.likes - counters.likesShown }
      : null;
  return {
    counters: {
      ...counters,
      shown: counters.shown + kept.length,
      dropped: counters.dropped + dropped,
      likesShown: counters.likes,
      ticks: tick,
    },
    tick,
    shown: [...kept],
    dropped,
    likes,
  };
}

/**
 * When the next tick fires, for an arrival at `nowMs` with no tick scheduled: a full tick later.
 * The batch opens only after the previous tick closed, so ticks are always at least `tickMs`
 * apart, and no second holds more than 1000 / tickMs ticks.
 * @example nextTickAt(1000, 200) // → 1200
 */
export function nextTickAt(nowMs: number, tickMs: number): number {
  return nowMs + tickMs;
}
