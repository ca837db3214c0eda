/**
 * Exactly-once, in-order delivery of numbered room notifications.
 *
 * The room numbers its notifications 1, 2, 3… A socket delivers them in order, but around a
 * reconnect the live stream and the RESUME replay overlap and interleave, so this keeps the
 * highest contiguous number delivered (`last`), drops anything at or below it (duplicates),
 * and holds anything beyond the next expected number until the hole before it is filled.
 * Before a baseline is known (no Welcome yet) everything is held.
 *
 * @example
 * const t = new SeqTracker<string>();
 * t.offer(5, "e");      // [] — no baseline yet
 * t.reset(4);           // ["e"] — the snapshot covers 1..4
 * t.offer(7, "g");      // [] — 6 is missing
 * t.offer(6, "f");      // ["f", "g"]
 * t.offer(6, "f");      // [] — duplicate
 */
export class SeqTracker<T> {
  #last: number | undefined;
  readonly #held = new Map<number, T>();

  constructor(last?: number) {
    this.#last = last;
  }

  /** The highest room sequence delivered with nothing missing before it; undefined before a baseline. */
  get last(): number | undefined {
    return this.#last;
  }

  /** True when notifications are held back waiting for a missing number (or for a baseline). */
  get hasHole(): boolean {
    return this.#held.size > 0;
  }

  /** Offers notification `seq` (≥ 1); returns what can be delivered now, in order. */
  offer(seq: number, item: T): T[] {
    if (this.#last !== undefined && seq <= this.#last) return [];
    this.#held.set(seq, item);
    return this.#drain();
  }

  /**
   * Sets the baseline: everything up to `last` counts as delivered (a snapshot covers it).
   * Held notifications beyond it are kept and released in order; a baseline that moves back
   * (a room that lost its history) drops whatever was held.
   */
  reset(last: number): T[] {
    if (this.#last !== undefined && last < this.#last) this.#held.clear();
    this.#last = last;
    for (const seq of [...this.#held.keys()]) if (seq <= last) this.#held.delete(seq);
    return this.#drain();
  }

  #drain(): T[] {
    const out: T[] = [];
    if (this.#last === undefined) return out;
    for (let next = this.#last + 1; this.#held.has(next); next++) {
      out.push(this.#held.get(next)!);
      this.#held.delete(next);
      this.#last = next;
    }
    return out;
  }
}
