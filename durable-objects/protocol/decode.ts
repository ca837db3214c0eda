import { liveroom } from "../../schema/proto";
import { MAX_GRAB_ID_CHARS } from "../features/rain/grab-id";

/** Frames larger than this are refused unread (the largest legitimate request is an auth token). */
export const MAX_FRAME_BYTES = 2048;

/** The protobuf bytes of Frame { type: -1 }: the constant heartbeat, sent as a text frame. */
export const HEARTBEAT_TEXT = "\x08\x01";

const T = liveroom.Type;

/** A client frame, decoded once at the boundary. */
export type ClientRequest =
  | { type: typeof T.AUTH; seq: number; token: string }
  | { type: typeof T.REFRESH; seq: number; token: string }
  | { type: typeof T.RESUME; seq: number; afterSeq: number }
  | { type: typeof T.ANSWER; seq: number; question: number; option: number; streamPosMs: number }
  | { type: typeof T.GRAB; seq: number; rain: number; grabId: string }
  | { type: typeof T.OPEN; seq: number }
  | { type: typeof T.PUSH_QUESTION; seq: number; question: number; streamTsMs: number }
  | { type: typeof T.REVEAL; seq: number; question: number; streamTsMs: number }
  | { type: typeof T.END; seq: number }
  | { type: typeof T.START_RAIN; seq: number; rain: number; streamTsMs: number }
  | { type: typeof T.STATS; seq: number }
  | { type: typeof T.DANMAKU; seq: number; text: string; streamTsMs: number }
  | { type: typeof T.LIKE; seq: number; count: number }
  | { type: typeof T.GIFT; seq: number; giftId: string; quantity: number; key: string }
  | { type: typeof T.GIFTERS; seq: number; limit: number }
  | { type: typeof T.DELETE_DANMAKU; seq: number; id: number }
  | { type: typeof T.MUTE; seq: number; userId: string; durationMs: number; forShow: boolean }
  | { type: typeof T.SLOW_MODE; seq: number; seconds: number }
  | { type: typeof T.SHADOW_MUTE; seq: number; userId: string; on: boolean }
  // The words' content (count, lengths, characters) is the moderation rule's to refuse (MODERATION_BAD_REQUEST).
  | { type: typeof T.SET_WORDS; seq: number; words: string[] }
  | { type: typeof T.MODERATION; seq: number }
  // Poll content (lengths, 2–4 choices, the duration) is the poll rule's to refuse (POLL_BAD_REQUEST).
  | { type: typeof T.POLL_OPEN; seq: number; question: string; choices: string[]; durationMs: number }
  | { type: typeof T.POLL_CLOSE; seq: number; pollId: number }
  | { type: typeof T.POLL_VOTE; seq: number; pollId: number; choice: number };

export type FrameError = "MALFORMED" | "TEXT_FRAME" | "UNKNOWN_TYPE" | "TOO_LARGE";

export type Decoded =
  | { kind: "heartbeat" }
  | { kind: "request"; request: ClientRequest }
  | { kind: "error"; code: FrameError; type: number; seq: number; message: string };

const fail = (code: FrameError, message: string, type = 0, seq = 0): Decoded => ({
  kind: "error",
  code,
  type,
  seq,
  message,
});

/**
 * Decodes one WebSocket message into a request, or says exactly why it is not one.
 * The `type` must match the request's payload: a mismatch is MALFORMED, not a guess.
 * @example decodeClientFrame(bytes) // { kind: "request", request: { type: 2, seq: 5, question: 0, option: 1 } }
 */
export function decodeClientFrame(message: ArrayBuffer | string): Decoded {
  if (typeof message === "string") {
    if (message === HEARTBEAT_TEXT) return { kind: "heartbeat" };
    return fail("TEXT_FRAME", "frames are binary protobuf; only the heartbeat is text");
  }
  if (message.byteLength > MAX_FRAME_BYTES) {
    return fail("TOO_LARGE", `frame of ${message.byteLength} bytes exceeds ${MAX_FRAME_BYTES}`);
  }
  let frame: liveroom.Frame;
  try {
    frame = liveroom.Frame.decode(new Uint8Array(message));
  } catch {
    return fail("MALFORMED", "not a protobuf Frame");
  }
  const { type, seq } = frame;
  if (type === T.HEARTBEAT) return { kind: "heartbeat" };
  if (frame.body !== "request" || !frame.request) {
    return fail("MALFORMED", "a client frame must carry a request", type, seq);
  }
  const r = frame.request;
  const mismatch = () => fail("MALFORMED", `type ${type} does not match the request's payload`, type, seq);
  switch (type) {
    case T.AUTH:
      return r.auth ? ok({ type, seq, token: r.auth.token ?? "" }) : mismatch();
    case T.REFRESH:
      return r.refresh ? ok({ type, seq, token: r.refresh.token ?? "" }) : mismatch();
    case T.RESUME:
      return r.resume ? ok({ type, seq, afterSeq: r.resume.afterSeq ?? 0 }) : mismatch();
    case T.ANSWER:
      return r.answer
        ? ok({
            type,
            seq,
            question: r.answer.question ?? 0,
            option: r.answer.option ?? 0,
            streamPosMs: r.answer.streamPosMs ?? 0,
          })
        : mismatch();
    case T.GRAB: {
      if (!r.grab) return mismatch();
      const grabId = r.grab.grabId ?? "";
      if (grabId.length > MAX_GRAB_ID_CHARS) {
        return fail("MALFORMED", `grab_id longer than ${MAX_GRAB_ID_CHARS} characters`, type, seq);
      }
      return ok({ type, seq, rain: r.grab.rain ?? 0, grabId });
    }
    case T.OPEN:
      return r.open ? ok({ type, seq }) : mismatch();
    case T.PUSH_QUESTION:
      return r.pushQuestion
        ? ok({
            type,
            seq,
            question: r.pushQuestion.question ?? 0,
            streamTsMs: r.pushQuestion.streamTsMs ?? 0,
          })
        : mismatch();
    case T.REVEAL:
      return r.reveal
        ? ok({ type, seq, question: r.reveal.question ?? 0, streamTsMs: r.reveal.streamTsMs ?? 0 })
        : mismatch();
    case T.END:
      return r.end ? ok({ type, seq }) : mismatch();
    case T.START_RAIN:
      return r.startRain
        ? ok({ type, seq, rain: r.startRain.rain ?? 0, streamTsMs: r.startRain.streamTsMs ?? 0 })
        : mismatch();
    case T.STATS:
      return r.stats ? ok({ type, seq }) : mismatch();
    case T.DANMAKU:
      return r.danmaku
        ? ok({ type, seq, text: r.danmaku.text ?? "", streamTsMs: r.danmaku.streamTsMs ?? 0 })
        : mismatch();
    case T.LIKE:
      return r.like ? ok({ type, seq, count: r.like.count ?? 0 }) : mismatch();
    case T.GIFT:
      return r.gift
        ? ok({
            type,
            seq,
            giftId: r.gift.giftId ?? "",
            quantity: r.gift.quantity ?? 0,
            key: r.gift.key ?? "",
          })
        : mismatch();
    case T.GIFTERS:
      return r.gifters ? ok({ type, seq, limit: r.gifters.limit ?? 0 }) : mismatch();
    case T.DELETE_DANMAKU:
      return r.deleteDanmaku ? ok({ type, seq, id: r.deleteDanmaku.id ?? 0 }) : mismatch();
    case T.MUTE:
      return r.mute
        ? ok({
            type,
            seq,
            userId: r.mute.userId ?? "",
            durationMs: r.mute.durationMs ?? 0,
            forShow: r.mute.forShow ?? false,
          })
        : mismatch();
    case T.SLOW_MODE:
      return r.slowMode ? ok({ type, seq, seconds: r.slowMode.seconds ?? 0 }) : mismatch();
    case T.SHADOW_MUTE:
      return r.shadowMute
        ? ok({ type, seq, userId: r.shadowMute.userId ?? "", on: r.shadowMute.on ?? false })
        : mismatch();
    case T.SET_WORDS:
      return r.setWords ? ok({ type, seq, words: [...(r.setWords.words ?? [])] }) : mismatch();
    case T.MODERATION:
      return r.moderation ? ok({ type, seq }) : mismatch();
    case T.POLL_OPEN:
      return r.pollOpen
        ? ok({
            type,
            seq,
            question: r.pollOpen.question ?? "",
            choices: [...(r.pollOpen.choices ?? [])],
            durationMs: r.pollOpen.durationMs ?? 0,
          })
        : mismatch();
    case T.POLL_CLOSE:
      return r.pollClose ? ok({ type, seq, pollId: r.pollClose.pollId ?? 0 }) : mismatch();
    case T.POLL_VOTE:
      return r.pollVote
        ? ok({ type, seq, pollId: r.pollVote.pollId ?? 0, choice: r.pollVote.choice ?? 0 })
        : mismatch();
    default:
      return fail("UNKNOWN_TYPE", `unknown type ${type}`, type, seq);
  }
}

function ok(request: ClientRequest): Decoded {
  return { kind: "request", request };
}
