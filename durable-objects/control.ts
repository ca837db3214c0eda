// Operator controls and moderation, the same whether they arrive over HTTP (the Worker calls the room
// by RPC) or as host frames on a socket: an RPC becomes the frame it stands for.
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

/** A host's moderation step. */
export type ModerationOp =
  | { kind: "mute"; userId: string; durationMs: number }
  | { kind: "delete"; id: number };

/** `code` is a `liveroom.Code` name. */
export type ModerationResult =
  | { ok: true }
  | { ok: false; code: "MUTE_BAD_REQUEST" | "DANMAKU_UNKNOWN" | "ACTIVITY_NOT_FOUND"; message: string };

/**
 * A refused control, by `liveroom.Code` name.
 * @example controlRefused("INTERNAL", "internal error") // → { ok: false, code: liveroom.Code.INTERNAL, codeName: "INTERNAL", message: "internal error" }
 */
export function controlRefused(codeName: keyof typeof liveroom.Code, message: string): ControlResult {
  return { ok: false, code: liveroom.Code[codeName], codeName, message };
}

/**
 * The host frame an operator's RPC stands for (seq 0: nobody waits for a frame).
 * @example controlRequest({ kind: "end" }) // → { type: liveroom.Type.END, seq: 0 }
 */
export function controlRequest(op: ControlOp): ClientRequest {
  switch (op.kind) {
    case "open":
      return { type: T.OPEN, seq: 0 };
    case "push":
      return { type: T.PUSH_QUESTION, seq: 0, question: op.question, streamTsMs: op.streamTsMs };
    case "reveal":
      return { type: T.REVEAL, seq: 0, question: op.question, streamTsMs: op.streamTsMs };
    case "end":
      return { type: T.END, seq: 0 };
    case "startRain":
      return { type: T.START_RAIN, seq: 0, rain: op.rain, streamTsMs: op.streamTsMs };
    case "stats":
      return { type: T.STATS, seq: 0 };
  }
}

/** The host frame a moderation RPC stands for. */
export function moderationRequest(op: ModerationOp): ClientRequest {
  return op.kind === "mute"
    ? { type: T.MUTE, seq: 0, userId: op.userId, durationMs: op.durationMs }
    : { type: T.DELETE_DANMAKU, seq: 0, id: op.id };
}
