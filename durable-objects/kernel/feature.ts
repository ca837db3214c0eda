// The contract between the room kernel and a feature (docs/architecture.md). A feature declares
// the frames it handles, its named tasks and its share of the snapshot and the stats (its storage
// migrations are a list beside it, run by the kernel before any feature is built); its handlers
// return effects that the kernel applies in one storage transaction.
import type { Role } from "../../schema/auth";
import type { liveroom } from "../../schema/proto";
import type { ClientRequest } from "../protocol/decode";
import type { Effect } from "./effects";

/** Where a handler runs once a room is split (DESIGN §8): the coordinator, or the player's shard. */
export type Scope = "room" | "player";

/** Frame types the kernel answers itself. */
export type KernelFrameType =
  | typeof liveroom.Type.AUTH
  | typeof liveroom.Type.REFRESH
  | typeof liveroom.Type.RESUME
  | typeof liveroom.Type.STATS;
/** Frame types features handle: every request type but the kernel's. */
export type FeatureFrameType = Exclude<ClientRequest["type"], KernelFrameType>;
export type RequestOf<K extends ClientRequest["type"]> = Extract<ClientRequest, { type: K }>;

/** Who sent a frame (or an operator's RPC) and when. */
export interface FrameContext {
  userId: string;
  role: Role | null;
  nowMs: number;
}

/** One frame type's handler. */
export interface FrameSpec<R extends ClientRequest> {
  scope: Scope;
  /** `host`: host and admin tokens only (the kernel refuses others with FORBIDDEN). */
  role: "viewer" | "host";
  /** Loads what `handle` needs from outside the room (D1, crypto) before the transaction. */
  prepare?(req: R, ctx: FrameContext): Promise<void>;
  /** Decides and writes the feature's own rows; runs inside the kernel's transaction, so it is synchronous. */
  handle(req: R, ctx: FrameContext): Effect[];
}

/** A feature's frame handlers, by type. */
export type FrameSpecs<K extends FeatureFrameType> = { [P in K]: FrameSpec<RequestOf<P>> };
/** Every feature frame type with its handler: the kernel's table, complete or it fails to compile. */
export type FrameTable = FrameSpecs<FeatureFrameType>;

/** Typed helper for a feature's frame table. */
export function frames<K extends FeatureFrameType>(specs: FrameSpecs<K>): FrameSpecs<K> {
  return specs;
}

/** A named task: `name` or `name:arg` in the schedule. */
export interface TaskSpec {
  scope: Scope;
  /**
   * Synchronous tasks run inside a transaction with their effects. Asynchronous ones (D1, the Queue)
   * do their I/O, then their effects are applied in a transaction of their own. Throw to be retried.
   */
  run(arg: string, nowMs: number): Effect[] | Promise<Effect[]>;
}

/** What every feature declares. */
export interface Feature {
  readonly name: string;
  readonly tasks: Readonly<Record<string, TaskSpec>>;
  /** Called for every numbered broadcast after it is stored (the replay records them). */
  onBroadcast?(
    type: number,
    event: Omit<liveroom.Notification.$Properties, "roomSeq">,
    nowMs: number,
  ): Effect[];
  /** The count of authenticated sockets changed (the rain's throttle follows it). */
  onOnlineChanged?(online: number, nowMs: number): Effect[];
  /**
   * Operations the coordinator runs on every shard (DESIGN §8), by name; the kernel calls them as
   * `<feature>.<op>`. Each runs in the shard's transaction with its effects; its result goes back.
   */
  readonly shardOps?: Readonly<Record<string, ShardOp>>;
  /**
   * Operations a shard asks of its coordinator (DESIGN §8), by name; called as `<feature>.<op>`. Each
   * runs in the coordinator's transaction with its effects, gets `{ shard, arg }` (who asked, and
   * what), and its result goes back to the shard.
   */
  readonly coordinatorOps?: Readonly<Record<string, ShardOp>>;
  /** Awaited before the coordinator operation of the same name runs (e.g. a reclaim in flight). */
  readonly coordinatorPrepare?: Readonly<Record<string, (arg: unknown) => Promise<void>>>;
  /** The room-scoped state a shard decides its players' frames with (plain data), sent when it changed. */
  replica?(): unknown;
  /** A shard takes the coordinator's newer room-scoped state. */
  applyReplica?(state: unknown): void;
}

/** One operation a shard runs for its coordinator. */
export type ShardOp = (arg: unknown, nowMs: number) => { result: unknown; effects: Effect[] };
