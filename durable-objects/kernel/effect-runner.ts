// Applies a handler's effects: storage effects inside one transaction with the handler's own writes
// (numbered notifications, tasks, outbox rows), then the sends, the mirror and the coin debit after
// it committed. The output gate holds every send until the transaction is durable.
import { setActivityStatus } from "../../schema/queries/activities";
import { postCoinTransfer } from "../../schema/queries/coins";
import type { RoomStatsView } from "../../schema/room-stats";
import type { Features } from "../features/registry";
import { statsMessage } from "../features/registry";
import type { Clock } from "./clock";
import { failure, notification, success } from "../protocol/encode";
import type { CodeName, CoinPosting, Effect, ResponseResult } from "./effects";
import type { RoomStore } from "./room-store";
import type { AlarmScheduler } from "./scheduler";
import type { SocketRegistry } from "./socket-registry";
import type { FanoutBatch } from "./shard-net";
import { sendQuietly } from "./sockets";

/** A failed status mirror is tried again after this long (`mirror:<status>` task). */
const MIRROR_RETRY_MS = 5_000;

/** How a request was answered. */
export type Outcome =
  | { kind: "replied"; result: ResponseResult }
  | { kind: "stats"; fresh: boolean }
  | { kind: "refused"; code: CodeName; message: string }
  | { kind: "none" };

/** Where a request's answer goes: a socket's frame, or (null) back to an RPC caller. */
export interface ReplyTarget {
  ws: WebSocket;
  type: number;
  seq: number;
}

/** What a committed step still has to do, in order. */
export type Applied =
  /** `seq` 0: unnumbered. */
  | { kind: "sendAll"; bytes: Uint8Array; seq: number }
  | { kind: "task"; name: string }
  | { kind: "sendUser"; userId: string; bytes: Uint8Array }
  | { kind: "answer"; effect: Extract<Effect, { kind: "reply" | "replyStats" | "refuse" }> }
  | { kind: "mirror"; status: "live" | "ended" }
  | { kind: "debit"; effect: Extract<Effect, { kind: "debitCoins" }> };

export interface EffectPorts {
  transaction<R>(fn: () => R): R;
  store: RoomStore;
  scheduler: AlarmScheduler;
  features: Features;
  sockets: SocketRegistry;
  db: D1Database;
  clock: Clock;
  stats(fresh: boolean): Promise<RoomStatsView>;
  activityId(): string;
  /** Hands what a committed step sent to the room's other shards (the coordinator only; DESIGN §8). */
  fanout(batch: FanoutBatch): Promise<void>;
  /** Runs a named task now; it stays scheduled (the alarm retries it) if it throws. */
  runTask(name: string): Promise<void>;
  /**
   * Called inside the transaction of a step that logged numbered notifications: the coordinator
   * schedules their delivery to its shards there, so a reset before its fan-out loses none (DESIGN §8).
   */
  logged(): void;
}

export class EffectRunner {
  readonly #p: EffectPorts;
  /** The room sequence: the last numbered notification. */
  seq: number;

  constructor(ports: EffectPorts) {
    this.#p = ports;
    this.seq = ports.store.seq();
  }

  /** Runs `step` (a handler's synchronous part) and its storage effects in one transaction, then the rest. */
  async run(step: () => Effect[], target: ReplyTarget | null): Promise<Outcome> {
    const nowMs = this.#p.clock.now();
    const applied = this.#p.transaction(() => {
      const out: Applied[] = [];
      const before = this.seq;
      this.#stage(step(), nowMs, out);
      if (this.seq !== before) this.#p.logged();
      return out;
    });
    return this.#deliver(applied, target);
  }

  /** Mirrors the activity's status into D1; when D1 fails, the task that tries again (`mirror:<status>`). */
  async retryMirror(status: "live" | "ended"): Promise<Effect[]> {
    const activityId = this.#p.activityId();
    try {
      await setActivityStatus(this.#p.db, activityId, status);
      return [];
    } catch (err) {
      console.error("liveroom status mirror failed", { activityId, status, err: String(err) });
      return [{ kind: "schedule", task: `mirror:${status}`, atMs: this.#p.clock.now() + MIRROR_RETRY_MS }];
    }
  }

  #stage(effects: readonly Effect[], nowMs: number, out: Applied[]): void {
    const { store, scheduler, features } = this.#p;
    for (const e of effects) {
      switch (e.kind) {
        case "broadcast": {
          const seq = this.seq + 1;
          const bytes = notification(e.type, seq, e.event);
          store.appendNotification(seq, bytes);
          this.seq = seq;
          out.push({ kind: "sendAll", bytes, seq });
          for (const f of features.all)
            this.#stage(f.onBroadcast?.(e.type, e.event, nowMs) ?? [], nowMs, out);
          break;
        }
        case "notify":
          out.push({ kind: "sendAll", bytes: notification(e.type, 0, e.event), seq: 0 });
          break;
        case "sendUser":
          out.push({ kind: "sendUser", userId: e.userId, bytes: notification(e.type, 0, e.event) });
          break;
        case "schedule":
          scheduler.schedule(e.task, e.atMs);
          break;
        case "scheduleOnce":
          scheduler.scheduleOnce(e.task, e.atMs);
          break;
        case "cancel":
          scheduler.cancel(e.task);
          break;
        case "runTask":
          scheduler.schedule(e.task, nowMs);
          out.push({ kind: "task", name: e.task });
          break;
        case "outbox":
          this.#stage(features.settlement.add(e.event, nowMs), nowMs, out);
          break;
        case "mirrorStatus":
          out.push({ kind: "mirror", status: e.status });
          break;
        case "reply":
        case "replyStats":
        case "refuse":
          out.push({ kind: "answer", effect: e });
          break;
        case "debitCoins":
          out.push({ kind: "debit", effect: e });
          break;
        default:
          assertNever(e);
      }
    }
  }

  async #deliver(applied: readonly Applied[], target: ReplyTarget | null): Promise<Outcome> {
    let outcome: Outcome = { kind: "none" };
    // What the other shards get of this step, handed over before anything that must follow it.
    let batch: FanoutBatch = { entries: [], notify: [], users: [] };
    const flush = async () => {
      if (batch.entries.length + batch.notify.length + batch.users.length === 0) return;
      const sent = batch;
      batch = { entries: [], notify: [], users: [] };
      await this.#p.fanout(sent);
    };
    for (const a of applied) {
      switch (a.kind) {
        case "sendAll":
          // Tokenless sockets get nothing but the answer to their AUTH (docs/security.md).
          for (const ws of this.#p.sockets.authed()) sendQuietly(ws, a.bytes);
          if (a.seq > 0) batch.entries.push({ seq: a.seq, bytes: a.bytes });
          else batch.notify.push(a.bytes);
          break;
        case "sendUser":
          for (const ws of this.#p.sockets.ofUser(a.userId)) sendQuietly(ws, a.bytes);
          batch.users.push({ userId: a.userId, bytes: a.bytes });
          break;
        case "task":
          await flush();
          await this.#p.runTask(a.name);
          break;
        case "answer":
          await flush();
          outcome = await this.#answer(a.effect, target);
          break;
        case "mirror": {
          // The operation committed: a failing mirror is retried by a task, never reported as a failure.
          const retry = await this.retryMirror(a.status);
          this.#p.transaction(() => this.#stage(retry, this.#p.clock.now(), []));
          break;
        }
        case "debit": {
          let posting: CoinPosting;
          try {
            posting = await postCoinTransfer(this.#p.db, a.effect.transfer, this.#p.clock.now());
          } catch (err) {
            console.error("liveroom coin debit failed", { key: a.effect.transfer.key, err: String(err) });
            posting = { status: "unavailable" };
          }
          await flush();
          outcome = await this.run(() => a.effect.afterDebit(posting, this.#p.clock.now()), target);
          break;
        }
      }
    }
    await flush();
    return outcome;
  }

  async #answer(
    e: Extract<Effect, { kind: "reply" | "replyStats" | "refuse" }>,
    target: ReplyTarget | null,
  ): Promise<Outcome> {
    switch (e.kind) {
      case "reply":
        if (target !== null) sendQuietly(target.ws, success(target.type, target.seq, e.result));
        return { kind: "replied", result: e.result };
      case "replyStats":
        if (target !== null) {
          const stats = statsMessage(await this.#p.stats(e.fresh === true));
          sendQuietly(target.ws, success(target.type, target.seq, { stats }));
        }
        return { kind: "stats", fresh: e.fresh === true };
      case "refuse":
        if (target !== null) sendQuietly(target.ws, failure(target.type, target.seq, e.code, e.message));
        return { kind: "refused", code: e.code, message: e.message };
    }
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled effect ${JSON.stringify(x)}`);
}
