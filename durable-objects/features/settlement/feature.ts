// Settlement as a feature: the outbox rows every money move writes (in the same transaction as the
// move), the `drain` task that hands them to the Queue, and reconciliation's record and repair (RPC).
import { settlementEntry } from "../../../schema/settlement";
import type { Effect, OutboxEvent } from "../../kernel/effects";
import type { Feature } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import { drainOutbox, planNextDrain } from "./outbox-drain";
import { DRAIN_TASK, type OutboxMark, OutboxStore } from "./outbox-store";
import { RECORD_PAGE_LIMIT, type RoomSettlementPage, toEntry } from "./record";

export class SettlementFeature implements Feature {
  readonly name = "settlement";
  readonly #s: RoomServices;
  readonly #outbox: OutboxStore;
  readonly #queue: Pick<Queue, "sendBatch">;

  constructor(s: RoomServices) {
    this.#s = s;
    this.#outbox = new OutboxStore(s.sql);
    this.#queue = s.env.SETTLEMENT;
  }

  /** An outbox effect: the row, and the drain (unless one is already scheduled, possibly backing off). */
  add(event: OutboxEvent, nowMs: number): Effect[] {
    this.#outbox.add(settlementEntry(event), nowMs);
    return [{ kind: "scheduleOnce", task: DRAIN_TASK, atMs: nowMs }];
  }

  readonly tasks = {
    /** `drain`: sends unsent rows to the Queue; on failure, again after a backoff. */
    [DRAIN_TASK]: {
      scope: "player" as const,
      run: async (): Promise<Effect[]> => {
        const result = await drainOutbox(
          {
            unsent: (limit) => this.#outbox.unsent(limit),
            send: (messages) =>
              this.#queue.sendBatch(
                messages.map((m) => ({ body: JSON.parse(m.body) as unknown, contentType: "json" as const })),
              ),
            markSent: (keys, atMs) => this.#outbox.markSent(keys, atMs),
          },
          () => this.#s.clock.now(),
        );
        const next = planNextDrain(result, this.#outbox.failures(), this.#s.clock.now());
        this.#outbox.setFailures(next.failures);
        if (result.kind === "failed") {
          console.error("liveroom outbox drain failed", {
            activityId: this.#s.activity().id,
            failures: next.failures,
            retryAtMs: next.atMs,
            err: result.error,
          });
        }
        return next.atMs === null ? [] : [{ kind: "schedule", task: DRAIN_TASK, atMs: next.atMs }];
      },
    },
  };

  /** Settlement events not yet accepted by the Queue (the stats' outbox backlog). */
  backlog(): number {
    return this.#outbox.unsentCount();
  }

  /** When the oldest event not yet accepted by the Queue was written; null when none (the health). */
  oldestUnsentMs(): number | null {
    return this.#outbox.oldestUnsentMs();
  }

  /** Sent events after `after`, oldest first, for the health's check against D1. */
  sentAfter(after: OutboxMark | null, limit: number): OutboxMark[] {
    return this.#outbox.sentAfter(after, limit);
  }

  /** What this room says it paid, a page at a time in key order (pass back `nextAfterKey`). */
  record(activityId: string | null, afterKey: string | null, limit: number): RoomSettlementPage {
    const n = Math.max(1, Math.min(Math.floor(limit), RECORD_PAGE_LIMIT));
    const entries = this.#outbox.page(afterKey, n).map(toEntry);
    return { activityId, entries, nextAfterKey: entries.length === n ? entries[n - 1]!.key : null };
  }

  /** Reconciliation's repair: marks these rows unsent and drains them now. Never invents a row. */
  resend(
    keys: string[],
    nowMs: number,
  ): { result: { resent: string[]; unknown: string[] }; effects: Effect[] } {
    const result = this.#outbox.resend(keys);
    return {
      result,
      effects: result.resent.length > 0 ? [{ kind: "schedule", task: DRAIN_TASK, atMs: nowMs }] : [],
    };
  }
}
