// A shard's side of a split room (DESIGN §8, docs/scale.md): it applies the coordinator's numbered
// notifications exactly once and in order — pulling what it missed before sending anything newer —
// keeps them for RESUME, takes the room-scoped state its players' frames are decided with, and sends.
import { withDeadline } from "./deadline";
import type { Delivery, LogEntry, LogPage, Replica } from "./shard-protocol";

/**
 * A pull from the coordinator that has not answered in this long fails the delivery that needed it:
 * deliveries wait on each other (`#chain`), so one pull that never settles (a call caught in the
 * coordinator's eviction) would hold every later one here for ever. The coordinator's catch-up task
 * delivers again and the next pull starts afresh.
 */
export const PULL_DEADLINE_MS = 10_000;

export interface ShardReplicaPorts {
  /** The last numbered notification applied here. */
  seq(): number;
  /** The replica version applied here. */
  rv(): number;
  /** Stores entries (after `seq()`, in order) and a newer replica, in one transaction. */
  apply(entries: readonly LogEntry[], replica: Replica | null): void;
  /** The coordinator dropped entries older than `oldest`: this shard's log must not pretend to have them. */
  forgetBefore(oldest: number): void;
  pull(afterSeq: number): Promise<LogPage>;
  sendAll(bytes: Uint8Array): void;
  sendUser(userId: string, bytes: Uint8Array): void;
  /** How long the last numbered delivery took, arrival to the last socket. */
  measured(ms: number): void;
  now(): number;
}

export class ShardReplica {
  readonly #p: ShardReplicaPorts;
  // Deliveries are applied one after another: a catch-up's pull must not let a newer one overtake it.
  #chain: Promise<void> = Promise.resolve();

  constructor(ports: ShardReplicaPorts) {
    this.#p = ports;
  }

  deliver(d: Delivery): Promise<void> {
    const next = this.#chain.then(() => this.#deliver(d));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #deliver(d: Delivery): Promise<void> {
    const start = this.#p.now();
    const first = d.entries[0]?.seq ?? d.head + 1;
    // A gap before this batch (a failed or overtaken call, an eviction): fill it from the coordinator first.
    if (first > this.#p.seq() + 1 && d.head > this.#p.seq()) await this.#catchUp(first - 1);
    this.#applyAndSend(d.entries, d.replica);
    for (const bytes of d.notify) this.#p.sendAll(bytes);
    for (const u of d.users) this.#p.sendUser(u.userId, u.bytes);
    if (d.entries.length > 0) this.#p.measured(this.#p.now() - start);
  }

  /** Pulls pages from the coordinator until this shard holds every entry up to `through`. */
  async #catchUp(through: number): Promise<void> {
    while (this.#p.seq() < through) {
      const page = await withDeadline(
        this.#p.pull(this.#p.seq()),
        PULL_DEADLINE_MS,
        "the coordinator did not answer a pull in time",
      );
      if (page.oldest > this.#p.seq() + 1) this.#p.forgetBefore(page.oldest);
      if (page.entries.length === 0) {
        this.#applyAndSend([], page.replica);
        return;
      }
      this.#applyAndSend(page.entries, page.replica);
    }
  }

  #applyAndSend(entries: readonly LogEntry[], replica: Replica | null): void {
    const after = this.#p.seq();
    const fresh = entries.filter((e) => e.seq > after);
    const newer = replica !== null && replica.rv > this.#p.rv() ? replica : null;
    if (fresh.length === 0 && newer === null) return;
    this.#p.apply(fresh, newer);
    for (const e of fresh) this.#p.sendAll(e.bytes);
  }
}
