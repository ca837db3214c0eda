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
  /** Authenticated open sockets, counted by the kernel. */
  online(): number;
}
