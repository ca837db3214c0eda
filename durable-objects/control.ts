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

/** A host's moderation step (docs/live-room.md, "Moderation"). */
export type ModerationOp =
  | { kind: "mute"; userId: string; durationMs: number; forShow?: boolean }
  | { kind: "delete"; id: number }
  | { kind: "shadow"; userId: string; on: boolean }
  | { kind: "slowMode"; seconds: number }
  | { kind: "words"; words: string[] }
  | { kind: "read" };

/** The room's moderation as the HTTP API answers it (`Moderation` in schema/live.proto). */
export interface ModerationView {
  slowModeSeconds: number;
  /** In force now; `untilMs` (room clock) is null for a mute for the show. */
  mutes: { userId: string; untilMs: number | null; forShow: boolean }[];
  shadowMuted: string[];
  /** The room's own blocked words (the platform's list applies too). */
  words: string[];
}

/** The refusals of a moderation step: a `liveroom.Code` name. */
export type ModerationCode =
  | "MUTE_BAD_REQUEST"
  | "MODERATION_BAD_REQUEST"
  | "DANMAKU_UNKNOWN"
  | "ACTIVITY_NOT_FOUND";

/** `moderation`: the state after the step, for every step but mute and delete. */
export type ModerationResult =
  | { ok: true; moderation: ModerationView | null }
  | { ok: false; code: ModerationCode; message: string };

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
  switch (op.kind) {
    case "mute":
      return {
        type: T.MUTE,
        seq: 0,
        userId: op.userId,
        durationMs: op.durationMs,
        forShow: op.forShow ?? false,
      };
    case "delete":
      return { type: T.DELETE_DANMAKU, seq: 0, id: op.id };
    case "shadow":
      return { type: T.SHADOW_MUTE, seq: 0, userId: op.userId, on: op.on };
    case "slowMode":
      return { type: T.SLOW_MODE, seq: 0, seconds: op.seconds };
    case "words":
      return { type: T.SET_WORDS, seq: 0, words: op.words };
    case "read":
      return { type: T.MODERATION, seq: 0 };
  }
}

/**
 * The HTTP view of the room's `Moderation` result.
 * @example moderationView({ slowModeSeconds: 5, mutes: [{ userId: "u", untilMs: 0, forShow: true }] }).mutes // → [{ userId: "u", untilMs: null, forShow: true }]
 */
export function moderationView(m: liveroom.IModeration): ModerationView {
  return {
    slowModeSeconds: m.slowModeSeconds ?? 0,
    mutes: (m.mutes ?? []).map((x) => ({
      userId: x.userId ?? "",
      untilMs: x.forShow ? null : Number(x.untilMs ?? 0),
      forShow: x.forShow ?? false,
    })),
    shadowMuted: [...(m.shadowMuted ?? [])],
    words: [...(m.words ?? [])],
  };
}
