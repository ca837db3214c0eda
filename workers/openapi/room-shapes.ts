// The published shapes of the room controls' `{ stats }` and of the admin's activity detail, as zod
// schemas for the OpenAPI document (operations.ts). Each is checked against the TypeScript type the
// code returns, so a field added to one and not the other fails to compile; the OpenAPI test then
// checks every answer it gets against them.
import { z } from "zod";
import type { AdminActivityDetail } from "../activities/admin-detail";
import type { RoomStatsView } from "../../schema/room-stats";

const count = () => z.int().min(0);

export const ShardStatsShape = z.strictObject({
  shard: count(),
  online: count(),
  players: count(),
  answers: count(),
  answersPerSec: count(),
  fanoutMs: count(),
  outboxBacklog: count(),
  roomSeq: count(),
});

/** RoomStatsView (schema/room-stats.ts). */
export const RoomStatsShape = z.strictObject({
  phase: z.enum(["created", "lobby", "asking", "closed", "revealed", "ended"]),
  online: count(),
  players: count(),
  alive: count(),
  currentQuestion: z.int().min(-1),
  counts: z.array(count()),
  roomSeq: count(),
  packetsLeft: count(),
  grantedCents: count(),
  grabs: count(),
  throttled: count(),
  rain: z.int().min(-1),
  rainRunning: z.boolean(),
  grantedPackets: count(),
  grabsPerSec: count(),
  throttlePpm: count(),
  danmakuIn: count(),
  danmakuShown: count(),
  danmakuDropped: count(),
  danmakuBlocked: count(),
  danmakuRefused: count(),
  danmakuDeleted: count(),
  likes: count(),
  gifts: count(),
  giftCoins: count(),
  pollsOpened: count(),
  pollVotes: count(),
  shards: z.array(ShardStatsShape),
});

/** `{ stats }`: what every room control answers. */
export const StatsReply = z.strictObject({ stats: RoomStatsShape });

const Question = z.strictObject({
  text: z.string(),
  options: z.array(z.string()).min(2).max(4),
  correct: count(),
});

const RainSummary = z.strictObject({
  totalCents: count(),
  count: z.int().min(1),
  targetTapsPerSec: z.int().min(1),
  durationMs: z.int().min(1),
  seed: z.string(),
  minPacketCents: count(),
  maxPacketCents: count(),
});

/** AdminActivityDetail (workers/activities/admin-detail.ts). */
export const AdminActivityShape = z.strictObject({
  id: z.string(),
  title: z.string(),
  startAtMs: z.int(),
  prizePoolCents: count(),
  answerWindowMs: z.int().min(1),
  streamUrl: z.string(),
  streamDelayBudgetMs: count(),
  grabCap: count(),
  shards: z.int().min(1),
  status: z.enum(["scheduled", "live", "ended"]),
  createdAtMs: z.int(),
  questions: z.array(Question),
  rains: z.array(RainSummary),
});

/** `{ activity }`: the admin's activity detail (its GET, and the 201 of its creation). */
export const AdminActivityReply = z.strictObject({ activity: AdminActivityShape });

/** `GET /api/activities/:id`: the public page of one activity (workers/routes/activity-detail.ts). */
export const PublicActivityReply = z.strictObject({
  activity: z.strictObject({
    id: z.string(),
    title: z.string(),
    status: z.enum(["scheduled", "live", "ended"]),
    startAtMs: z.int(),
    prizePoolCents: count(),
    streamUrl: z.string(),
    rainCount: count(),
    rainTotalCents: count(),
    rainPackets: count(),
    questionCount: count(),
    /** Where the home page lists it; null once it is no longer listed. */
    section: z.enum(["upcoming", "live", "ended"]).nullable(),
    hostId: z.string().nullable(),
    shareUrl: z.string(),
    replayReady: z.boolean(),
  }),
  /** Once ended: the winners as the ledger paid them; null before. */
  result: z
    .strictObject({
      winners: z.array(
        z.strictObject({ userId: z.string(), name: z.string().nullable(), prizeCents: count() }),
      ),
      announcedWinners: count().nullable(),
      winnersPending: z.boolean(),
    })
    .nullable(),
  gifts: z.strictObject({
    gifts: count(),
    coins: count(),
    gifters: z.array(
      z.strictObject({
        rank: z.int().min(1),
        userId: z.string(),
        name: z.string().nullable(),
        coins: count(),
        gifts: count(),
      }),
    ),
  }),
});

// Both ways: a field the code returns and the shape lacks (or the reverse) fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statsMatch: Same<z.infer<typeof RoomStatsShape>, RoomStatsView> = true;
const activityMatch: Same<z.infer<typeof AdminActivityShape>, AdminActivityDetail> = true;
export const SHAPES_MATCH_TYPES = statsMatch && activityMatch;
