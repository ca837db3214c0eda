// Holds what the room says ahead of the picture until the viewer's player shows that moment. The
// room sends a question, a reveal or a rain the moment the host acts, stamped with the stream
// position the host saw (`stream_ts_ms`); the viewer's player, fed by a CDN, reaches that position
// seconds later. Pure: the page feeds it frames, the player's position and the time, and shows what
// it releases. No timers, no player: `release` is called on every tick and player event.
import { stampDiff, toStamp } from "./stream-time.js";

/** One released item and where the player was relative to its stamp when it was released. */
export interface Released<T> {
  item: T;
  /** Local ms at the release. */
  shownAtMs: number;
  /**
   * How far the player was past the item's stamp at the release, ms ≥ 0: a player ahead of the host
   * (or one that seeked past the moment) shows the item late by this much. 0 for an unstamped item,
   * one released by the hold limit, or when no position was known.
   */
  aheadMs: number;
  /** Why it was released now. */
  reason: "reached" | "unstamped" | "limit" | "follows" | "drained";
}

interface Entry<T> {
  item: T;
  /** A stamp (1 … 2^32−1); 0: show at once; null: show right after everything before it. */
  stamp: number | null;
  arrivedAtMs: number;
  maxHoldMs: number;
}

/**
 * The hold queue. Items leave in the order they arrived (the room's order: a reveal never before its
 * question, a rain's end never before its start), each as soon as the player's position reaches its
 * stamp, or `maxHoldMs` after it arrived if the player never gets there (a stalled or paused player,
 * one without a position yet, one that seeked far back): past that the room would refuse the answer
 * anyway (docs/protocol.md, "Fair answer windows"). An item that is due releases every item that
 * arrived before it: stamps out of order (the host seeked back) never reorder what the room said.
 * @example
 * const hold = new StreamHold<string>({ maxHoldMs: 10_000 });
 * hold.push("q1", toStamp(t), now);
 * hold.release(t - 1, now + 500); // []
 * hold.release(t, now + 900);     // [{ item: "q1", reason: "reached", aheadMs: 0, … }]
 */
export class StreamHold<T> {
  readonly #maxHoldMs: number;
  #queue: Entry<T>[] = [];

  constructor(options: { maxHoldMs: number }) {
    this.#maxHoldMs = options.maxHoldMs;
  }

  /**
   * Queues `item` stamped `stamp` (the frame's `stream_ts_ms`; 0 for an unstamped frame, shown at
   * once), or `null` for one that only has to follow what came before it (an answer's outcome after
   * its reveal, a rain's end after its start). `maxHoldMs` overrides the queue's limit for this item
   * (a question's own stream-delay budget).
   */
  push(item: T, stamp: number | null, nowMs: number, maxHoldMs = this.#maxHoldMs): void {
    this.#queue.push({ item, stamp, arrivedAtMs: nowMs, maxHoldMs });
  }

  /**
   * What to show now, in arrival order. `positionMs` is the player's full position on the stream's
   * clock (see stream-time.ts), or null when it has none yet.
   */
  release(positionMs: number | null, nowMs: number): Released<T>[] {
    const due = this.#queue.map((e) => this.#due(e, positionMs, nowMs));
    let last = -1;
    due.forEach((d, i) => {
      if (d !== undefined && d.reason !== "follows") last = i;
    });
    // Everything up to the last due stamped item, then the followers behind it.
    let end = last + 1;
    while (end < this.#queue.length && this.#queue[end]!.stamp === null) end++;
    const out = this.#queue.slice(0, end).map((e, i): Released<T> => {
      const d = due[i];
      return {
        item: e.item,
        shownAtMs: nowMs,
        aheadMs: d?.aheadMs ?? 0,
        reason: d?.reason ?? "follows",
      };
    });
    this.#queue = this.#queue.slice(end);
    return out;
  }

  /** Items still held. */
  get size(): number {
    return this.#queue.length;
  }

  /** Releases everything held, in order: the page has no stream any more (it failed to play). */
  drain(nowMs: number): Released<T>[] {
    const out = this.#queue.map(
      (e): Released<T> => ({ item: e.item, shownAtMs: nowMs, aheadMs: 0, reason: "drained" }),
    );
    this.#queue = [];
    return out;
  }

  /** Drops everything held (a snapshot replaced the page's state). */
  clear(): void {
    this.#queue = [];
  }

  #due(
    e: Entry<T>,
    positionMs: number | null,
    nowMs: number,
  ): Omit<Released<T>, "item" | "shownAtMs"> | undefined {
    if (e.stamp === null) return { aheadMs: 0, reason: "follows" };
    if (e.stamp === 0) return { aheadMs: 0, reason: "unstamped" };
    if (positionMs !== null) {
      const past = stampDiff(toStamp(positionMs), e.stamp);
      if (past >= 0) return { aheadMs: past, reason: "reached" };
    }
    if (nowMs - e.arrivedAtMs >= e.maxHoldMs) return { aheadMs: 0, reason: "limit" };
    return undefined;
  }
}

/**
 * When a question closes for this viewer, on the room's clock: what its countdown runs to.
 * `question.deadlineMs` is the room's last moment (push + window + the activity's stream-delay
 * budget). A page that shows the question on arrival (no stream) counts the window from the push, as
 * the room does for an answer that reports no position. A page that held it counts the window from
 * the moment it showed it, less how far its player already was past the stamp (`aheadMs`), never
 * less than from the push (the room always allows that) nor past the room's deadline.
 * @example heldDeadline({ deadlineMs: 116_000, windowMs: 10_000, delayBudgetMs: 6_000 }, undefined) // 110_000
 */
export function heldDeadline(
  question: { deadlineMs: number; windowMs: number; delayBudgetMs: number },
  shown: { roomNowMs: number; aheadMs: number } | undefined,
): number {
  const fromPush = question.deadlineMs - question.delayBudgetMs;
  if (shown === undefined) return fromPush;
  const fromShow = shown.roomNowMs + question.windowMs - shown.aheadMs;
  return Math.max(fromPush, Math.min(question.deadlineMs, fromShow));
}
