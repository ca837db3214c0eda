// The coordinator's side of a room split into shards (DESIGN §8, docs/scale.md): it hands every
// committed batch of notifications to the other shards, runs an operation on every shard (shard 0 is
// its own object), and retries a shard it could not reach until that shard caught up. A shard's side
// is ./shard-replica.ts; what they exchange is ./shard-protocol.ts.
import { shardObjectName, shardOf } from "../../schema/shards";
import { withDeadline } from "./deadline";
import type { Effect } from "./effects";
import type { Delivery, LogEntry, Replica, RoomRpc } from "./shard-protocol";

/** A failed delivery is tried again by the `catchup:<k>` task, this long after. */
export const CATCHUP_RETRY_MS = 1_000;
export const CATCHUP_TASK = "catchup";
/** `catchup:*`: every shard, scheduled with every logged notification (`logged`). */
export const CATCHUP_ALL = "*";
/**
 * A shard that has not answered a gather (`each`) in this long counts as unreachable: the gather is
 * refused (a reveal with SHARD_UNAVAILABLE, nothing broadcast) and the operator's retry runs it whole.
 * The late call may still finish on that shard; every gathered operation is idempotent.
 */
export const GATHER_DEADLINE_MS = 5_000;

/** What one committed step sent, for the other shards. */
export interface FanoutBatch {
  entries: LogEntry[];
  notify: Uint8Array[];
  users: { userId: string; bytes: Uint8Array }[];
}

export interface ShardNetPorts {
  /** This object's shard: 0 is the coordinator's object. */
  shard(): number;
  activityId(): string | null;
  /** The activity's shard count (1 before it is loaded). */
  shards(): number;
  stub(name: string): RoomRpc;
  /** The room sequence now (the coordinator's log head). */
  head(): number;
  /** The room-scoped state shards decide with, as it stands now. */
  replica(): Replica;
  /** Runs an operation on this object's own shard part. */
  local(op: string, arg: unknown): Promise<unknown>;
  /** Runs a coordinator operation here (this object is the coordinator). */
  localCoordinator(op: string, arg: unknown): Promise<unknown>;
  /** Shard k's stats row, as its answer to a delivery carried it. */
  reported(k: number, figures: unknown): void;
  /** Applies effects in a transaction of their own (the retry task). */
  effects(effects: Effect[]): Promise<void>;
  now(): number;
}

export class ShardNet {
  readonly #p: ShardNetPorts;

  constructor(ports: ShardNetPorts) {
    this.#p = ports;
  }

  isCoordinator(): boolean {
    return this.#p.shard() === 0;
  }

  count(): number {
    return this.#p.shards();
  }

  /** The coordinator's object, from a shard. */
  coordinator(): RoomRpc {
    return this.shard(0);
  }

  /** Shard k's object of this room. */
  shard(k: number): RoomRpc {
    return this.#p.stub(shardObjectName(this.#p.activityId() ?? "", k));
  }

  /**
   * Runs `op` on every shard, this object's own first, and returns their results in shard order.
   * Rejects when any shard could not be reached: a gather is never answered from part of the room.
   */
  each<T>(op: string, arg: unknown): Promise<T[]> {
    return this.some(
      Array.from({ length: this.count() }, (_, k) => k),
      op,
      arg,
    );
  }

  /** `each` on the listed shards only, their results in the listed order. */
  some<T>(shards: readonly number[], op: string, arg: unknown): Promise<T[]> {
    return Promise.all(
      shards.map((k) =>
        k === 0
          ? this.one<T>(k, op, arg)
          : withDeadline(
              this.one<T>(k, op, arg),
              GATHER_DEADLINE_MS,
              `shard ${k} did not answer ${op} in time`,
            ),
      ),
    );
  }

  /** Asks the coordinator to run `op` (a feature's `coordinatorOps`); on shard 0 it runs here. */
  async ask<T>(op: string, arg: unknown): Promise<T> {
    if (this.isCoordinator()) return (await this.#p.localCoordinator(op, arg)) as T;
    const activityId = this.#p.activityId() ?? "";
    return (await this.coordinator().roomOp(activityId, this.#p.shard(), op, arg)) as T;
  }

  /** Runs `op` on shard k (this object's own part for k = 0). */
  async one<T>(k: number, op: string, arg: unknown): Promise<T> {
    if (k === 0) return (await this.#p.local(op, arg)) as T;
    return (await this.shard(k).shardOp(this.#p.activityId() ?? "", k, op, arg, this.#p.head())) as T;
  }

  /**
   * Hands a committed batch to every other shard, in parallel. A shard that fails gets a `catchup:<k>`
   * task; it also catches up by itself on the next delivery (it sees the gap in the sequence).
   */
  async deliver(batch: FanoutBatch): Promise<void> {
    const n = this.count();
    if (n <= 1 || !this.isCoordinator()) return;
    const activityId = this.#p.activityId() ?? "";
    const replica = this.#p.replica();
    const head = this.#p.head();
    const failed: number[] = [];
    await Promise.all(
      Array.from({ length: n - 1 }, async (_, i) => {
        const k = i + 1;
        const d: Delivery = {
          head,
          entries: batch.entries,
          replica,
          notify: batch.notify,
          users: batch.users.filter((u) => shardOf(u.userId, n) === k),
        };
        try {
          this.#p.reported(k, await this.shard(k).shardDeliver(activityId, k, d));
        } catch (err) {
          console.error("liveroom delivery to a shard failed", { activityId, shard: k, err: String(err) });
          failed.push(k);
        }
      }),
    );
    if (failed.length > 0) {
      const atMs = this.#p.now() + CATCHUP_RETRY_MS;
      await this.#p.effects(
        failed.map((k) => ({ kind: "scheduleOnce", task: `${CATCHUP_TASK}:${k}`, atMs })),
      );
    }
  }

  /**
   * Called in the transaction that logged numbered notifications: `catchup:*` is due shortly after, so
   * they reach every shard even if this object resets before its fan-out (which makes the task a
   * no-op round of calls otherwise). One row for a burst: a task already due is left as it is.
   */
  logged(schedule: (task: string, atMs: number) => void): void {
    if (this.count() > 1 && this.isCoordinator())
      schedule(`${CATCHUP_TASK}:${CATCHUP_ALL}`, this.#p.now() + CATCHUP_RETRY_MS);
  }

  /** The `catchup:*` task: every shard pulls what it missed; one that cannot be reached gets its own task. */
  async catchUpAll(): Promise<Effect[]> {
    const failed: number[] = [];
    await Promise.all(
      Array.from({ length: this.count() - 1 }, (_, i) =>
        this.catchUp(i + 1).catch((err: unknown) => {
          console.error("liveroom catch-up of a shard failed", { shard: i + 1, err: String(err) });
          failed.push(i + 1);
        }),
      ),
    );
    const atMs = this.#p.now() + CATCHUP_RETRY_MS;
    return failed.map((k) => ({ kind: "scheduleOnce", task: `${CATCHUP_TASK}:${k}`, atMs }));
  }

  /** The `catchup:<k>` task: shard k pulls what it missed (throws, so the task retries, until it did). */
  async catchUp(k: number): Promise<Effect[]> {
    const activityId = this.#p.activityId() ?? "";
    const d: Delivery = {
      head: this.#p.head(),
      entries: [],
      replica: this.#p.replica(),
      notify: [],
      users: [],
    };
    this.#p.reported(k, await this.shard(k).shardDeliver(activityId, k, d));
    return [];
  }
}
