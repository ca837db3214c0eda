// Operator controls, the same whether they arrive over HTTP (the Worker calls the room by RPC)
// or as host frames on a socket.

export type ControlOp =
  | { kind: "open" }
  | { kind: "push"; question: number; streamTsMs: number }
  | { kind: "reveal"; question: number; streamTsMs: number }
  | { kind: "end" }
  | { kind: "startRain"; rain: number; streamTsMs: number }
  | { kind: "stats" };

/** The operator's live figures for a room. */
export interface RoomStatsView {
  phase: "created" | "lobby" | "asking" | "closed" | "revealed" | "ended";
  online: number;
  players: number;
  alive: number;
  currentQuestion: number;
  counts: number[];
  roomSeq: number;
  // Red packets: the current rain, or the last one once it ended (see RoomStats in schema/live.proto).
  packetsLeft: number;
  grantedCents: number;
  grabs: number;
  throttled: number;
  /** The current or last rain; -1 before the first. */
  rain: number;
  rainRunning: boolean;
  grantedPackets: number;
  grabsPerSec: number;
  throttlePpm: number;
  // Danmaku, likes and gifts (see RoomStats in schema/live.proto): in = shown + dropped + blocked + pending.
  danmakuIn: number;
  danmakuShown: number;
  danmakuDropped: number;
  danmakuBlocked: number;
  danmakuRefused: number;
  danmakuDeleted: number;
  likes: number;
  gifts: number;
  giftCoins: number;
}

/** `code` is a `liveroom.Code` value from schema/live.proto; `codeName` its name. */
export type ControlResult =
  | { ok: true; stats: RoomStatsView }
  | { ok: false; code: number; codeName: string; message: string };
