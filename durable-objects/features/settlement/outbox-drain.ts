// Draining a room's outbox into the settlement Queue (STYLE.md: tldraw's outboxDrain). The I/O comes
// in through `DrainPort`; the decisions (`nextDrainDelay`, `planNextDrain`) are pure. A row is marked
// sent only after the Queue accepted the batch holding it: a crash in between re-sends it, and the
// consumer's idempotency makes that harmless.

/** One outbox row: its idempotency key and its JSON body. */
export interface OutboxMessage {
  key: string;
  body: string;
}

/** What draining needs from the room: its unsent rows, the Queue, and a way to mark rows sent. */
export interface DrainPort {
  unsent(limit: number): OutboxMessage[];
  send(messages: readonly OutboxMessage[]): Promise<unknown>;
  markSent(keys: readonly string[], atMs: number): void;
}

/** Messages per `sendBatch` (the Queues limit). Room bodies are < 1 KB, far under 256 KB per batch. */
export const DRAIN_BATCH_SIZE = 100;
/** Batches per alarm run; more rows than this reschedule the drain at once, so other alarms get a turn. */
export const DRAIN_BATCHES_PER_RUN = 10;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * How long to wait before retry `attempt` (1 = the first retry after a failure): 1 s, 2 s, 4 s, ...
 * capped at 5 minutes.
 * @example nextDrainDelay(1) // 1000
 * @example nextDrainDelay(20) // 300000
 */
export function nextDrainDelay(attempt: number): number {
  if (attempt < 1) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt - 1, 20));
}

/** How a drain run ended. */
export type DrainResult =
  | { kind: "drained"; sent: number }
  | { kind: "more"; sent: number }
  | { kind: "failed"; sent: number; error: string };

/**
 * Sends unsent rows in batches of 100 until none are left (drained), the run's budget is spent
 * (more), or the Queue refuses a batch (failed: that batch stays unsent).
 */
export async function drainOutbox(port: DrainPort, now: () => number): Promise<DrainResult> {
  let sent = 0;
  for (let i = 0; i < DRAIN_BATCHES_PER_RUN; i++) {
    const batch = port.unsent(DRAIN_BATCH_SIZE);
    if (batch.length === 0) return { kind: "drained", sent };
    try {
      await port.send(batch);
    } catch (err) {
      return { kind: "failed", sent, error: String(err) };
    }
    port.markSent(
      batch.map((m) => m.key),
      now(),
    );
    sent += batch.length;
  }
  return { kind: "more", sent };
}

/**
 * When to drain next after a run, and the failure count to keep: drained → never (until new rows),
 * more → now, failed → after the backoff for one more consecutive failure.
 * @example planNextDrain({ kind: "failed", sent: 0, error: "x" }, 2, 1000) // { atMs: 5000, failures: 3 }
 */
export function planNextDrain(
  result: DrainResult,
  failures: number,
  nowMs: number,
): { atMs: number | null; failures: number } {
  switch (result.kind) {
    case "drained":
      return { atMs: null, failures: 0 };
    case "more":
      return { atMs: nowMs, failures: 0 };
    case "failed":
      return { atMs: nowMs + nextDrainDelay(failures + 1), failures: failures + 1 };
  }
}
