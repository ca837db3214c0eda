/**
 * The room's figures as `GET /api/rooms/:id/stats` and every operator route answer them
 * (`RoomStatsView` in durable-objects/control.ts; the socket's STATS carries the same in protobuf).
 */
export interface HostStats {
  phase: Phase;
  online: number;
  players: number;
  alive: number;
  /** -1 before the first question. */
  currentQuestion: number;
  /** Answers per option of the current question. */
  counts: number[];
  roomSeq: number;
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
  /** Danmaku that reached the room: shown + dropped + blocked + pending. */
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

export type Phase = "created" | "lobby" | "asking" | "closed" | "revealed" | "ended";

export const PHASE_LABEL: Record<Phase, string> = {
  created: "not opened",
  lobby: "lobby",
  asking: "asking",
  closed: "answers closed",
  revealed: "revealed",
  ended: "ended",
};
