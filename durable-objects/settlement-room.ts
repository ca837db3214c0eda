// The room's side of settlement (docs/settlement.md): draining its outbox into the settlement
// Queue, and the record and repair reconciliation asks for over RPC. The rows themselves are
// written by the room's money moves (RoomStore.addOutbox), with the state change they settle.
import { drainOutbox, planNextDrain } from "./outbox-drain";
import { DRAIN_SCHEDULE, OutboxStore } from "./outbox-store";
import type { RoomStore } from "./room-store";
import { RECORD_PAGE_LIMIT, type RoomSettlementPage, toEntry } from "./settlement-record";

/** What the room lends this module: its storage, schedule, the Queue and its activity. */
export interface SettlementHost {
  sql: SqlStorage;
  transaction<T>(fn: () => T): T;
  queue: Pick<Queue, "sendBatch">;
  activityId(): string | null;
  /** The room's schedule rows, written inside the caller's transaction. */
  rows: Pick<RoomStore, "schedule">;
  /** Arms the one alarm for the schedule rows as they now stand. */
  armAlarm(): void;
  /** Arms the alarm unless it is already armed to fire by `atMs`. */
  armBy(atMs: number): void;
}

export class SettlementRoom {
  readonly #host: SettlementHost;
  readonly #outbox: OutboxStore;

  constructor(host: SettlementHost) {
    this.#host = host;
    this.#outbox = new OutboxStore(host.sql);
  }

  /** Whether an alarm task is this module's. */
  owns(task: string): boolean {
    return task === DRAIN_SCHEDULE;
  }

  /** The `drain` alarm: sends unsent outbox rows to the settlement Queue; on failure, retries with backoff. */
  async onAlarm(): Promise<void> {
    const result = await drainOutbox(
      {
        unsent: (limit) => this.#outbox.unsent(limit),
        send: (messages) =>
          this.#host.queue.sendBatch(
            messages.map((m) => ({ body: JSON.parse(m.body) as unknown, contentType: "json" as const })),
          ),
        markSent: (keys, atMs) => this.#host.transaction(() => this.#outbox.markSent(keys, atMs)),
      },
      Date.now,
    );
    const next = planNextDrain(result, this.#outbox.failures(), Date.now());
    this.#host.transaction(() => {
      this.#outbox.setFailures(next.failures);
      if (next.atMs !== null) this.#host.rows.schedule(DRAIN_SCHEDULE, next.atMs);
    });
    if (result.kind === "failed") {
      console.error("liveroom outbox drain failed", {
        activityId: this.#host.activityId() ?? undefined,
        failures: next.failures,
        retryAtMs: next.atMs,
        err: result.error,
      });
    }
  }

  /** Arms the alarm for a drain an outbox write scheduled (RoomStore.addOutbox), unless already armed for it. */
  kickDrain(): void {
    const at = this.#outbox.drainAtMs();
    if (at !== null) this.#host.armBy(at);
  }

  /**
   * What this room says it paid, for reconciliation: its outbox rows in key order, a page at a time
   * (pass back `nextAfterKey`).
   */
  record(afterKey: string | null, limit: number): RoomSettlementPage {
    const n = Math.max(1, Math.min(Math.floor(limit), RECORD_PAGE_LIMIT));
    const entries = this.#outbox.page(afterKey, n).map(toEntry);
    return {
      activityId: this.#host.activityId(),
      entries,
      nextAfterKey: entries.length === n ? entries[n - 1]!.key : null,
    };
  }

  /** Reconciliation's repair: marks these outbox rows unsent and drains them now. Never invents a row. */
  resend(keys: string[]): { resent: string[]; unknown: string[] } {
    const result = this.#host.transaction(() => {
      const r = this.#outbox.resend(keys);
      if (r.resent.length > 0) this.#host.rows.schedule(DRAIN_SCHEDULE, Date.now());
      return r;
    });
    this.#host.armAlarm();
    return result;
  }
}
