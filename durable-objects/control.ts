// Operator controls, the same whether they arrive over HTTP (the Worker calls the room by RPC)
// or as host frames on a socket.
import { liveroom } from "../schema/proto";
import type { RoomStatsView } from "../schema/room-stats";
import type { ClientRequest } from "./protocol/decode";

const T = liveroom.Type;

export type ControlOp =
  | { kind: "open" }
  | { kind: "push"; question: number; streamTsMs: number }
  | { kind: "reveal"; question: number; streamTsMs: number }
  | { kind: "end" }
  | { kind: "startRain"; rain: number; streamTsMs: number }
  | { kind: "stats" };

/** `code` is a `liveroom.Code` value from schema/live.proto; `codeName` its name. */
export type ControlResult =
  | { ok: true; stats: RoomStatsView }
  | { ok: false; code: number; codeName: string; message: string };

/**
 * A refused control, by `liveroom.Code` name.
 * @example controlRefused("INTERNAL", "internal error") // → { ok: false, code: liveroom.Code.INTERNAL, codeName: "INTERNAL", message: "internal error" }
 */
export function controlRefused(codeName: keyof typeof liveroom.Code, message: string): ControlResult {
  return { ok: false, code: liveroom.Code[codeName], codeName, message };
}

/**
 * The control a host frame asks for: OPEN, PUSH_QUESTION, REVEAL, END and START_RAIN map to their
 * step, anything else to `stats`.
 * @example controlOpOf({ type: liveroom.Type.END, seq: 1 }) // → { kind: "end" }
 */
export function controlOpOf(req: ClientRequest): ControlOp {
  switch (req.type) {
    case T.OPEN:
      return { kind: "open" };
    case T.PUSH_QUESTION:
      return { kind: "push", question: req.question, streamTsMs: req.streamTsMs };
    case T.REVEAL:
      return { kind: "reveal", question: req.question, streamTsMs: req.streamTsMs };
    case T.END:
      return { kind: "end" };
    case T.START_RAIN:
      return { kind: "startRain", rain: req.rain, streamTsMs: req.streamTsMs };
    default:
      return { kind: "stats" };
  }
}
