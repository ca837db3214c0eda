// The room's one clock. Every adapter reads time from it, never from Date.now(), so a test can move
// a room forward (RPC `advanceClock`, enabled only by the LIVEROOM_TEST_CLOCK binding) instead of sleeping.

/** Where time comes from. */
export interface Clock {
  now(): number;
}

/** Wall-clock time plus an offset a test may advance; the offset is 0 outside tests. */
export class RoomClock implements Clock {
  #offsetMs: number;

  constructor(offsetMs = 0) {
    this.#offsetMs = offsetMs;
  }

  /** While held (tests only), the room's time stands still at this value. */
  #heldAt: number | null = null;

  now(): number {
    return this.#heldAt ?? Date.now() + this.#offsetMs;
  }

  /** Stops (true) or restarts (false) the room's time, so a test can count exactly what a burst costs. */
  hold(held: boolean): void {
    if (held) this.#heldAt ??= this.now();
    else if (this.#heldAt !== null) {
      // Time resumes from where it stood: the pause is taken out of the offset.
      this.#offsetMs = this.#heldAt - Date.now();
      this.#heldAt = null;
    }
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Moves the room's time forward by `ms` (tests only). */
  advance(ms: number): void {
    this.#offsetMs += Math.max(0, ms);
    if (this.#heldAt !== null) this.#heldAt += Math.max(0, ms);
  }
}

/** A clock a unit test sets by hand. */
export class ManualClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
}
