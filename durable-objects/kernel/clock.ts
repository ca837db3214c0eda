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

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Moves the room's time forward by `ms` (tests only). */
  advance(ms: number): void {
    this.#offsetMs += Math.max(0, ms);
  }
}

/** A clock a unit test sets by hand. */
export class ManualClock implements Clock {
  constructor(public t = 0) {}
  now(): number {
    return this.t;
  }
}
