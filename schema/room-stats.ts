// The operator's live figures for a room, as the room computes them and the HTTP API
// (`GET /api/rooms/:id/stats`, every operator route) and the host console show them. The STATS
// frame carries the same figures as `RoomStats` in schema/live.proto, with the phase as its enum.

/** Where a room's game stands. */
export type Phase = "created" | "lobby" | "asking" | "closed" | "revealed" | "ended";

/** The operator's live figures for a room. */
export interface RoomStatsView {
  phase: Phase;
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
  // Polls (see RoomStats in schema/live.proto).
  /** Polls opened in this room. */
  pollsOpened: number;
  /** Votes counted, every poll of the room. */
  pollVotes: number;
}
