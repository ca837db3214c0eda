// What the coordinator and the shards of one room say to each other (DESIGN §8, docs/scale.md).
// Every value crosses a Durable Object RPC, so it is plain data (structured clone).
import type { liveroom } from "../../schema/proto";
import type { RoomStatsView, ShardStatsView } from "../../schema/room-stats";
import type { ClientRequest } from "../protocol/decode";
import type { CodeName, ResponseResult } from "./effects";
import type { FrameContext } from "./feature";

/** One numbered notification, encoded once by the coordinator. */
export interface LogEntry {
  seq: number;
  bytes: Uint8Array;
}

/** The room-scoped state shards decide with (each feature's part), versioned by the coordinator. */
export interface Replica {
  rv: number;
  parts: Record<string, unknown>;
}

/** What the coordinator hands a shard after a commit: numbered entries in order, and the unnumbered rest. */
export interface Delivery {
  /** The coordinator's room sequence when it sent this: a shard behind it catches up first. */
  head: number;
  entries: LogEntry[];
  replica: Replica | null;
  /** Unnumbered notifications for every socket (danmaku ticks, likes, poll totals). */
  notify: Uint8Array[];
  /** Unnumbered notifications for one user's sockets (only this shard's users). */
  users: { userId: string; bytes: Uint8Array }[];
}

/** A page of the coordinator's log for a shard that catches up. */
export interface LogPage {
  head: number;
  /** The oldest entry the coordinator still keeps (older ones were pruned). */
  oldest: number;
  entries: LogEntry[];
  replica: Replica;
}

/** The answer to a room-scoped frame a shard forwarded to its coordinator. */
export type ForwardedAnswer =
  | { kind: "replied"; result: ResponseResult }
  | { kind: "stats"; stats: RoomStatsView }
  | { kind: "refused"; code: CodeName; message: string }
  | { kind: "none" };

/** A shard's figures for the coordinator's totals and the per-shard rows of the stats. */
export type ShardFigures = Omit<ShardStatsView, "shard">;

/** The RPC surface of a room object that the other objects of the same room call. */
export interface RoomRpc {
  roomFrame(activityId: string, req: ClientRequest, ctx: FrameContext): Promise<ForwardedAnswer>;
  roomLog(activityId: string, afterSeq: number): Promise<LogPage>;
  roomReport(activityId: string, shard: number, online: number): Promise<void>;
  roomOp(activityId: string, shard: number, op: string, arg: unknown): Promise<unknown>;
  roomWelcome(activityId: string, userId: string): Promise<CoordinatorWelcome>;
  /** Answers with the shard's stats row after the delivery (its `kernel.figures`): stats ride on deliveries. */
  shardDeliver(activityId: string, shard: number, d: Delivery): Promise<unknown>;
  /** `head`: the coordinator's sequence; a shard behind it catches up before it runs the operation. */
  shardOp(activityId: string, shard: number, op: string, arg: unknown, head: number): Promise<unknown>;
  advanceClock(ms: number): Promise<number>;
}

/** The coordinator's parts of a welcome: the room-wide figures and the features it decides for. */
export interface CoordinatorWelcome {
  online: number;
  likes: number;
  poll: { poll: liveroom.Poll.$Properties | null; choice: number };
}
