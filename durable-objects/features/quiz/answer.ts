import { inTime } from "./fair-window";
import { type OutcomeValue, Outcome, type PlayerState, type RoomState } from "./state";

export type AnswerRejection =
  | "UNKNOWN_QUESTION"
  | "NOT_RUNNING"
  | "NOT_CURRENT_QUESTION"
  | "TOO_LATE"
  | "BAD_OPTION"
  | "ELIMINATED"
  | "MISSED_EARLIER"
  | "ALREADY_ANSWERED";

export type AnswerDecision =
  | { kind: "rejected"; code: AnswerRejection }
  | { kind: "accepted"; outcome: OutcomeValue; player: PlayerState; usedRevival: boolean };

export interface AnswerInput {
  room: RoomState;
  player: PlayerState;
  alreadyAnswered: boolean;
  question: number;
  option: number;
  nowMs: number;
  graceMs: number;
  /** The player's stream position when the viewer answered, a stamp (fair-window.ts); 0 or absent: none. */
  streamPosMs?: number;
}

/**
 * Judges one answer. Every check runs before anything is written, cheapest first: the question
 * and the room's clock (in memory), then the one-answer rule, then the player's row.
 * @example judgeAnswer({ room, player, alreadyAnswered: false, question: 0, option: 2, nowMs, graceMs: 500 })
 */
export function judgeAnswer(input: AnswerInput): AnswerDecision {
  const { room, player, question, option } = input;
  const questions = room.activity?.questions ?? [];
  const reject = (code: AnswerRejection): AnswerDecision => ({ kind: "rejected", code });

  if (question >= questions.length) return reject("UNKNOWN_QUESTION");
  const current = room.current;
  if (current === null || (room.phase !== "asking" && room.phase !== "closed" && room.phase !== "revealed")) {
    return reject("NOT_RUNNING");
  }
  if (question !== current.index) return reject("NOT_CURRENT_QUESTION");
  const timing = { streamPosMs: input.streamPosMs ?? 0, nowMs: input.nowMs };
  if (room.phase !== "asking" || !inTime(current, timing, input.graceMs)) return reject("TOO_LATE");
  const config = questions[question]!;
  if (option >= config.options.length) return reject("BAD_OPTION");
  // Before the status checks: a second answer must get the same code whatever the first one's
  // sealed result (a wrong first answer makes the player "out" before the reveal).
  if (input.alreadyAnswered) return reject("ALREADY_ANSWERED");
  if (player.status === "out") return reject("ELIMINATED");
  if (question > 0 && (player.status !== "playing" || player.passed < question - 1)) {
    return reject("MISSED_EARLIER");
  }

  const joined: PlayerState = { ...player, status: "playing" };
  if (option === config.correct) {
    return {
      kind: "accepted",
      outcome: Outcome.correct,
      player: { ...joined, passed: question },
      usedRevival: false,
    };
  }
  return wrongOrMissed(joined, question);
}

/** A wrong or missing answer: a revival card saves the player once per game, else they are out. */
function wrongOrMissed(player: PlayerState, question: number): AnswerDecision & { kind: "accepted" } {
  if (player.revivalCards > 0 && !player.revivalUsed) {
    return {
      kind: "accepted",
      outcome: Outcome.revived,
      player: { ...player, passed: question, revivalCards: player.revivalCards - 1, revivalUsed: true },
      usedRevival: true,
    };
  }
  return { kind: "accepted", outcome: Outcome.out, player: { ...player, status: "out" }, usedRevival: false };
}

/**
 * What happens to a playing player who did not answer `question` before the window closed.
 * @example settleMissed(player, 2) // → revived with a card, or out
 */
export function settleMissed(
  player: PlayerState,
  question: number,
): { player: PlayerState; usedRevival: boolean; outcome: OutcomeValue } {
  const { player: next, usedRevival, outcome } = wrongOrMissed(player, question);
  return { player: next, usedRevival, outcome };
}
