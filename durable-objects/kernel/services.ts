// What the kernel lends every feature: storage, the clock, the bindings and the room's shared facts.
import type { ActivityConfig } from "../../schema/activity";
import type { RoomState } from "../features/quiz/state";
import type { RoomEnv } from "../room-env";
import type { Clock } from "./clock";

export interface RoomServices {
  readonly sql: SqlStorage;
  readonly clock: Clock;
  readonly env: RoomEnv;
  /** The room's activity, once loaded (every frame and task runs after it is). */
  activity(): ActivityConfig;
  /** The quiz's room state: phase, current question, reveal, game over. */
  room(): RoomState;
  /** The activity's host (D1, cached by the kernel for 30 s): the gifts' recipient, the one host token that operates. */
  activityHost(): Promise<string | null>;
  /** Distinct authenticated users online, counted by the kernel (the coordinator: every shard's). */
  online(): number;
  /** The room's shards (DESIGN §8): how many, and an operation run on every one of them. */
  readonly shards: RoomShards;
}

export interface RoomShards {
  count(): number;
  /** This object's shard; 0 is the coordinator's own object. */
  index(): number;
  /** Runs `<feature>.<op>` on every shard; rejects if any could not be reached. Results in shard order. */
  each<T>(op: string, arg: unknown): Promise<T[]>;
  /** Runs `<feature>.<op>` on shard k. */
  one<T>(k: number, op: string, arg: unknown): Promise<T>;
  /** Asks the coordinator to run its `<feature>.<op>` (`coordinatorOps`); local on shard 0. */
  ask<T>(op: string, arg: unknown): Promise<T>;
}
