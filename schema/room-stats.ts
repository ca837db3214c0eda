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
  /** One row per shard of the room (DESIGN §8); one row for a one-shard room. */
  shards: ShardStatsView[];
}

/** One shard's figures (ShardStats in schema/live.proto). */
export interface ShardStatsView {
  shard: number;
  /** Distinct authenticated users on this shard. */
  online: number;
  players: number;
  /** Answers accepted to the current question. */
  answers: number;
  answersPerSec: number;
  /** The last numbered notification: from its arrival at the shard to its send to the last socket. */
  fanoutMs: number;
  /** Settlement events not yet accepted by the Queue. */
  outboxBacklog: number;
  /** The last numbered notification this shard applied. */
  roomSeq: number;
}
