// A shard's reconnects and resumes over the last minute (the health), in memory: an eviction starts
// them over, and a user seen before it counts as new once.
import { createRateWindow, type RateWindow, recordEvents } from "../../kernel/rate-window";
import { RATE_WINDOW_SEC } from "./intake";

/** Events in `w`'s window at `nowMs` (its slots of seconds that passed are empty). */
export function eventsInWindow(w: RateWindow, nowMs: number): number {
  return recordEvents(w, nowMs, 0).counts.reduce((n, c) => n + c, 0);
}

export class ConnectionCounter {
  /** Users who opened a socket on this shard since it woke. */
  readonly #seen = new Set<string>();
  #reconnects = createRateWindow(RATE_WINDOW_SEC);
  #resumes = createRateWindow(RATE_WINDOW_SEC);

  /** A socket of `userId` was accepted here: a reconnect if the user had one before. */
  connected(userId: string, nowMs: number): void {
    if (this.#seen.has(userId)) this.#reconnects = recordEvents(this.#reconnects, nowMs);
    else this.#seen.add(userId);
  }

  resumed(nowMs: number): void {
    this.#resumes = recordEvents(this.#resumes, nowMs);
  }

  /** Reconnects and resumes in the last RATE_WINDOW_SEC seconds. */
  counts(nowMs: number): { reconnects: number; resumes: number } {
    return {
      reconnects: eventsInWindow(this.#reconnects, nowMs),
      resumes: eventsInWindow(this.#resumes, nowMs),
    };
  }
}
