// The room's danmaku and likes counters, the cadence of ticks and forwards, and what closing a tick
// does. Pure: the room keeps the counters in storage and sends the frames.

import { type DanmakuConfig, tickCap, tickMax } from "./config";

/**
 * The coordinator's figures. With every shard's `ShardCounters`, at any moment
 * `in = shown + dropped + blocked + pending`, where pending is what waits in the shards' batches and
 * in the coordinator's pool.
 */
export interface DanmakuCounters {
  shown: number;
  /** Accepted but not sampled: over the room's show rate (let go by a merge). */
  dropped: number;
  /** Shown, then deleted by a host. */
  deleted: number;
  /** Likes counted in the room (every shard's, as their batches arrived). */
  likes: number;
  /** The likes total last broadcast. */
  likesShown: number;
  /** Ticks closed so far: the `tick` number of the next frame is this + 1. */
  ticks: number;
}

/** A shard's own figures: what its players sent and how it decided. */
export interface ShardCounters {
  /** Danmaku that passed the text checks and the rate limit and reached the filter. */
  in: number;
  /** Stopped by the keyword filter (the sender was told). */
  blocked: number;
  /** Refused before the filter: bad text, rate limited, muted, ended. Never stored on its own. */
  refused: number;
}

export const ZERO_COUNTERS: DanmakuCounters = {
  shown: 0,
  dropped: 0,
  deleted: 0,
  likes: 0,
  likesShown: 0,
  ticks: 0,
};

export const ZERO_SHARD_COUNTERS: ShardCounters = { in: 0, blocked: 0, refused: 0 };

/** What closing a tick shows: the oldest waiting danmaku (at most the tick's cap) and the likes total if it moved. */
export interface TickClose<T> {
  counters: DanmakuCounters;
  tick: number;
  /** The danmaku to show, in arrival order; empty: no DANMAKU_TICK frame. */
  shown: T[];
  /** What stays in the pool for the next tick. */
  waiting: T[];
  /** The likes to broadcast, or null when the total did not move. */
  likes: { total: number; added: number } | null;
}

/**
 * Closes a tick over the waiting pool: shows the `cap` that arrived first (arrival order: `atMs`,
 * then id), keeps the rest waiting for the next tick, which shows them before anything newer. A pool
 * is never more than two ticks' worth (the merges let the rest go), so nothing waits long.
 * @example closeTick(ZERO_COUNTERS, items, 4).shown.length // → min(4, items.length)
 */
export function closeTick<T extends { id: number; atMs: number }>(
  counters: DanmakuCounters,
  pool: readonly T[],
  cap: number,
): TickClose<T> {
  const ordered = [...pool].sort((a, b) => a.atMs - b.atMs || a.id - b.id);
  const shown = ordered.slice(0, cap);
  const tick = counters.ticks + 1;
  const likes =
    counters.likes > counters.likesShown
      ? { total: counters.likes, added: counters.likes - counters.likesShown }
      : null;
  return {
    counters: { ...counters, shown: counters.shown + shown.length, likesShown: counters.likes, ticks: tick },
    tick,
    shown,
    waiting: ordered.slice(cap),
    likes,
  };
}

/**
 * When the next tick (or a shard's next forward) is due, for work arriving at `nowMs`: a full tick
 * after the last one that sent something, or now if that is past. Ticks keep a fixed cadence on the
 * room's clock (a late one does not push the next ones back), and their due times are always at
 * least `tickMs` apart, so no second of due times holds more than 1000 / tickMs ticks.
 * @example tickDue(1000, 1050, 200) // → 1200
 * @example tickDue(1000, 1500, 200) // → 1500
 */
export function tickDue(lastMs: number | null, nowMs: number, tickMs: number): number {
  return lastMs === null ? nowMs : Math.max(nowMs, lastMs + tickMs);
}

/**
 * When a shard's next forward is due, for a danmaku or like arriving at `nowMs` with none scheduled.
 * While the shard is busy (its last forward was due less than two ticks ago) forwards keep the
 * cadence: a tick after the last one, or now if that is past (a forward that ran late does not push
 * the next ones back). After a quiet spell, a full tick from now, so the first arrivals travel
 * together (a quiet room shows them a tick later).
 * @example forwardDue(1000, 1050, 200) // → 1200
 * @example forwardDue(1000, 1300, 200) // → 1300 (the last one ran late)
 * @example forwardDue(1000, 1500, 200) // → 1700 (quiet since)
 */
export function forwardDue(lastMs: number | null, nowMs: number, tickMs: number): number {
  if (lastMs !== null && nowMs < lastMs + 2 * tickMs) return Math.max(nowMs, lastMs + tickMs);
  return nowMs + tickMs;
}

/**
 * A danmaku's room-wide id: shard k of n numbers its own 1, 2, 3 … and interleaves them with the
 * other shards', so no two shards ever give the same id (n is fixed for an activity). One shard: 1, 2, 3 ….
 * @example danmakuId(2, 1, 4) // → 6 (shard 1's second)
 */
export function danmakuId(local: number, shard: number, shards: number): number {
  return (local - 1) * shards + shard + 1;
}

/** A closed tick as the cadence remembers it: when it was due and how many danmaku it showed. */
export interface RecentTick {
  atMs: number;
  shown: number;
}

/**
 * How many danmaku the tick due at `dueMs` may show, given the ticks of the second before it. The
 * room earns `showPerSec` slots a second from one tick length before the oldest of those ticks; a
 * slot a tick could not use (its pool was short because the shards' forwards arrived unevenly, or
 * it ran late and the cadence slipped) is owed to the next ones, so a room sent 20 a second shows
 * 20 a second. Never more than two ticks' worth (`tickMax`), and never more than `showPerSec` in any
 * second of due times. A tick after a quiet second shows `tickCap`, so a burst starts at the usual pace.
 * @example tickShowCap([{ atMs: 800, shown: 3 }], 1000, { showPerSec: 20, tickMs: 200 }) // → 5
 * @example tickShowCap([], 1000, { showPerSec: 20, tickMs: 200 }) // → 4
 */
export function tickShowCap(
  recent: readonly RecentTick[],
  dueMs: number,
  config: Pick<DanmakuConfig, "showPerSec" | "tickMs">,
): number {
  const inSecond = recent.filter((t) => t.atMs > dueMs - 1000 && t.atMs < dueMs);
  if (inSecond.length === 0) return tickCap(config);
  const shown = inSecond.reduce((n, t) => n + t.shown, 0);
  const since = Math.min(...inSecond.map((t) => t.atMs)) - config.tickMs;
  const owed = Math.floor((config.showPerSec * (dueMs - since)) / 1000) - shown;
  return Math.max(0, Math.min(owed, tickMax(config), config.showPerSec - shown));
}

/** The ticks `tickShowCap` still reads after one due at `dueMs`: those of the last second. */
export function keepRecent(recent: readonly RecentTick[], dueMs: number): RecentTick[] {
  return recent.filter((t) => t.atMs > dueMs - 1000);
}
