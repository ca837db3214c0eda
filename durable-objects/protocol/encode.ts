// Builders from the room's pure state to protobuf messages, so the wire shape lives in one place.
import { liveroom } from "../../schema/proto";
import type { ActivityConfig } from "../../schema/activity";
import type {
  CurrentQuestion,
  GameOverRecord,
  Phase,
  PlayerStatus,
  RevealRecord,
} from "../features/quiz/state";

export const PHASE: Record<Phase, liveroom.Phase> = {
  created: liveroom.Phase.CREATED,
  lobby: liveroom.Phase.LOBBY,
  asking: liveroom.Phase.ASKING,
  closed: liveroom.Phase.CLOSED,
  revealed: liveroom.Phase.REVEALED,
  ended: liveroom.Phase.ENDED,
};

export const PLAYER_STATUS: Record<PlayerStatus, liveroom.PlayerStatus> = {
  spectator: liveroom.PlayerStatus.SPECTATOR,
  playing: liveroom.PlayerStatus.PLAYING,
  out: liveroom.PlayerStatus.OUT,
  winner: liveroom.PlayerStatus.WINNER,
};

export function questionPushed(
  activity: ActivityConfig,
  q: CurrentQuestion,
): liveroom.QuestionPushed.$Properties {
  const config = activity.questions[q.index]!;
  return {
    question: q.index,
    text: config.text,
    options: config.options,
    deadlineMs: q.deadlineMs,
    windowMs: q.windowMs,
    streamTsMs: q.streamTsMs,
    questionCount: activity.questions.length,
    commitment: q.commitmentB64 === undefined ? new Uint8Array(0) : fromBase64(q.commitmentB64),
    delayBudgetMs: q.delayBudgetMs ?? 0,
  };
}

export function answerRevealed(r: RevealRecord): liveroom.AnswerRevealed.$Properties {
  return {
    question: r.question,
    correct: r.correct,
    key: fromBase64(r.keyB64),
    counts: r.counts,
    streamTsMs: r.streamTsMs,
    salt: r.saltB64 === undefined ? new Uint8Array(0) : fromBase64(r.saltB64),
  };
}

export function gameOver(g: GameOverRecord): liveroom.GameOver.$Properties {
  return {
    prizePoolCents: g.prizePoolCents,
    winners: g.winners,
    baseShareCents: g.baseShareCents,
    remainder: g.remainder,
  };
}

/** Encodes a failed response. `code` is a liveroom.Code name. */
export function failure(
  type: number,
  seq: number,
  code: keyof typeof liveroom.Code,
  message: string,
): Uint8Array {
  return liveroom.Frame.encode({
    type,
    seq,
    response: { status: liveroom.Status.FAILED, code: liveroom.Code[code], message },
  }).finish();
}

/** Encodes a successful response with its result. */
export function success(
  type: number,
  seq: number,
  result: Omit<liveroom.Response.$Properties, "status">,
): Uint8Array {
  return liveroom.Frame.encode({ type, seq, response: { status: liveroom.Status.OK, ...result } }).finish();
}

/** Encodes a notification, once for every socket it goes to; `roomSeq` 0 for unnumbered ones. */
export function notification(
  type: number,
  roomSeq: number,
  event: Omit<liveroom.Notification.$Properties, "roomSeq">,
): Uint8Array {
  return liveroom.Frame.encode({ type, notification: { roomSeq, ...event } }).finish();
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}
