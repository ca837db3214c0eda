import { type PrizeSplit, splitPrize } from "./prize";
import type { RevealRecord, RoomState } from "./state";

export type OperatorRejection =
  | "NOT_ALLOWED_NOW"
  | "WRONG_QUESTION"
  | "UNKNOWN_QUESTION"
  | "ACTIVITY_NOT_FOUND";

export type Rejected = { kind: "rejected"; code: OperatorRejection; message: string };
const reject = (code: OperatorRejection, message: string): Rejected => ({ kind: "rejected", code, message });

/**
 * Opens the room: the lobby, where players connect before the first question.
 * @example decideOpen(room) // { kind: "ok", room: { ...room, phase: "lobby" } }
 */
export function decideOpen(room: RoomState): Rejected | { kind: "ok"; room: RoomState } {
  if (room.activity === null) return reject("ACTIVITY_NOT_FOUND", "no such activity");
  if (room.phase !== "created") return reject("NOT_ALLOWED_NOW", `the room is already ${room.phase}`);
  return { kind: "ok", room: { ...room, phase: "lobby" } };
}

export interface PushInput {
  question: number;
  nowMs: number;
  streamTsMs: number;
  /** A fresh crypto-random key for this question, base64 (randomness is I/O, so it comes in). */
  keyB64: string;
  /** A fresh crypto-random salt, base64, and the commitment it opens with the key (client/commitment.ts). */
  commitment?: { saltB64: string; commitmentB64: string };
  /** The activity's stream-delay budget, ms (fair-window.ts); 0 or absent: none. */
  delayBudgetMs?: number;
}

/**
 * Pushes question k: only the first question from the lobby, or the next one after a reveal.
 * @example decidePush(room, { question: 0, nowMs, streamTsMs: 61_000, keyB64 })
 */
export function decidePush(room: RoomState, input: PushInput): Rejected | { kind: "ok"; room: RoomState } {
  const questions = room.activity?.questions;
  if (questions === undefined) return reject("ACTIVITY_NOT_FOUND", "no such activity");
  if (input.question >= questions.length) {
    return reject("UNKNOWN_QUESTION", `the activity has ${questions.length} questions`);
  }
  const next = room.phase === "lobby" ? 0 : room.phase === "revealed" ? room.current!.index + 1 : -1;
  if (next === -1) return reject("NOT_ALLOWED_NOW", `cannot push a question while ${room.phase}`);
  if (input.question !== next) return reject("WRONG_QUESTION", `the next question is ${next}`);
  const windowMs = room.activity!.answerWindowMs;
  const delayBudgetMs = input.delayBudgetMs ?? 0;
  return {
    kind: "ok",
    room: {
      ...room,
      phase: "asking",
      reveal: null,
      current: {
        index: input.question,
        deadlineMs: input.nowMs + windowMs + delayBudgetMs,
        windowMs,
        streamTsMs: input.streamTsMs,
        ...(delayBudgetMs === 0 ? {} : { delayBudgetMs }),
        keyB64: input.keyB64,
        ...(input.commitment === undefined
          ? {}
          : { saltB64: input.commitment.saltB64, commitmentB64: input.commitment.commitmentB64 }),
      },
    },
  };
}

/**
 * Closes the answer window of the current question (its deadline plus grace has passed, or the
 * operator reveals early). Idempotent: closing a closed window changes nothing.
 */
export function decideClose(
  room: RoomState,
): { kind: "close"; question: number; room: RoomState } | { kind: "none" } {
  if (room.phase !== "asking" || room.current === null) return { kind: "none" };
  return { kind: "close", question: room.current.index, room: { ...room, phase: "closed" } };
}

/**
 * Reveals the current question's answer; the window must be closed first (see decideClose).
 * @example decideReveal(room, { question: 2, counts: [10, 3, 0], streamTsMs })
 */
export function decideReveal(
  room: RoomState,
  input: { question: number; counts: number[]; streamTsMs: number },
): Rejected | { kind: "ok"; room: RoomState; reveal: RevealRecord } {
  if (room.activity === null) return reject("ACTIVITY_NOT_FOUND", "no such activity");
  if (input.question >= room.activity.questions.length) {
    return reject("UNKNOWN_QUESTION", `the activity has ${room.activity.questions.length} questions`);
  }
  if (room.phase !== "closed" || room.current === null) {
    return reject("NOT_ALLOWED_NOW", `cannot reveal while ${room.phase}`);
  }
  if (input.question !== room.current.index) {
    return reject("WRONG_QUESTION", `the current question is ${room.current.index}`);
  }
  const reveal: RevealRecord = {
    question: input.question,
    correct: room.activity.questions[input.question]!.correct,
    keyB64: room.current.keyB64,
    counts: input.counts,
    streamTsMs: input.streamTsMs,
    ...(room.current.saltB64 === undefined ? {} : { saltB64: room.current.saltB64 }),
  };
  return { kind: "ok", room: { ...room, phase: "revealed", reveal }, reveal };
}

/**
 * Ends the game once the last question is revealed and splits the prize pool among the winners:
 * the players who passed every question.
 */
export function decideEnd(
  room: RoomState,
  winnerIds: readonly string[],
): Rejected | { kind: "ok"; room: RoomState; split: PrizeSplit } {
  const activity = room.activity;
  if (activity === null) return reject("ACTIVITY_NOT_FOUND", "no such activity");
  const last = activity.questions.length - 1;
  if (room.phase !== "revealed" || room.current?.index !== last) {
    return reject("NOT_ALLOWED_NOW", "the game ends after the last question is revealed");
  }
  const split = splitPrize(activity.prizePoolCents, winnerIds);
  const gameOver = {
    prizePoolCents: activity.prizePoolCents,
    winners: winnerIds.length,
    baseShareCents: split.baseShareCents,
    remainder: split.remainder,
  };
  return { kind: "ok", room: { ...room, phase: "ended", gameOver }, split };
}
