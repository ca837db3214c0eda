import type { ActivityConfig } from "../../../schema/activity";
import type { PlayerState, RoomState } from "../../../durable-objects/features/quiz/state";

export const activity: ActivityConfig = {
  id: "a1",
  title: "Friday quiz",
  startAtMs: 0,
  prizePoolCents: 100_000,
  answerWindowMs: 10_000,
  streamUrl: "",
  grabCap: 3,
  shards: 1,
  questions: [
    { text: "q0", options: ["a", "b"], correct: 1 },
    { text: "q1", options: ["a", "b", "c"], correct: 0 },
    { text: "q2", options: ["a", "b", "c", "d"], correct: 3 },
  ],
  rains: [],
};

export function asking(index: number, deadlineMs = 10_000): RoomState {
  return {
    activity,
    phase: "asking",
    current: { index, deadlineMs, windowMs: 10_000, streamTsMs: 0, keyB64: "AAAAAAAAAAAAAAAAAAAAAA==" },
    reveal: null,
    gameOver: null,
  };
}

export function player(overrides: Partial<PlayerState> = {}): PlayerState {
  return { userId: "u1", status: "spectator", passed: -1, revivalCards: 0, revivalUsed: false, ...overrides };
}
