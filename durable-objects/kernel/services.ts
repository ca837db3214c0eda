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
  /** Distinct authenticated users online, counted by the kernel. */
  online(): number;
}
