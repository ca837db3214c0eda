// The state of one quiz room, as pure data. The Durable Object persists it; the rules decide on it.
import type { ActivityConfig } from "../../../schema/activity";
import type { Phase } from "../../../schema/room-stats";

// The phase is also what the stats view shows, so it is defined with it (schema/room-stats.ts).
export type { Phase };

/** What the room remembers about the current (or last) question. */
export interface CurrentQuestion {
  index: number;
  /** The room's last moment for an answer (before the grace): push + window + `delayBudgetMs`. */
  deadlineMs: number;
  windowMs: number;
  streamTsMs: number;
  /**
   * The activity's stream-delay budget when the question was pushed: how much later than the push a
   * viewer may show it and still get the whole window (fair-window.ts). Absent (0) in a state stored
   * by an older version.
   */
  delayBudgetMs?: number;
  /** 16 crypto-random bytes, base64; broadcast only with the reveal. */
  keyB64: string;
  /**
   * 16 crypto-random bytes, base64, broadcast only with the reveal, and the commitment to the correct
   * option they open (client/commitment.ts), broadcast with the question. Both absent for a question
   * pushed before rooms committed (a state stored by an older version): no commitment then.
   */
  saltB64?: string;
  commitmentB64?: string;
}

export interface RevealRecord {
  question: number;
  correct: number;
  keyB64: string;
  counts: number[];
  streamTsMs: number;
  /** The question's salt (see CurrentQuestion); absent when it was pushed without a commitment. */
  saltB64?: string;
}

export interface GameOverRecord {
  prizePoolCents: number;
  winners: number;
  baseShareCents: number;
  remainder: number;
}

export interface RoomState {
  activity: ActivityConfig | null;
  phase: Phase;
  current: CurrentQuestion | null;
  reveal: RevealRecord | null;
  gameOver: GameOverRecord | null;
}

export const initialRoomState: RoomState = {
  activity: null,
  phase: "created",
  current: null,
  reveal: null,
  gameOver: null,
};

/** A player's standing in the game; keyed by player so that a room can later shard by player hash. */
export type PlayerStatus = "spectator" | "playing" | "out" | "winner";

export interface PlayerState {
  userId: string;
  status: PlayerStatus;
  /** Index of the last question passed (answered right or revived); -1 before the first. */
  passed: number;
  revivalCards: number;
  revivalUsed: boolean;
}

/** 1 correct, 2 wrong but revived, 3 wrong and out: the plaintext of a sealed result. */
export const Outcome = { correct: 1, revived: 2, out: 3 } as const;
export type OutcomeValue = (typeof Outcome)[keyof typeof Outcome];
