// A live room's health for the operator and for monitoring (`GET /api/rooms/:id/health`, the
// console's health panel). Every figure is defined in docs/live-room.md, "Show health". Times are on
// the room's clock (epoch ms); ages and lags are ms; rates are per second, rounded to 2 decimals.
import { z } from "zod";

/** The lag percentiles of one question's answers: ms from its push, rounded down to 100 ms. */
export const AnswerLag = z.strictObject({
  p50: z.int().min(0),
  p90: z.int().min(0),
  p99: z.int().min(0),
  max: z.int().min(0),
});

/** One pushed question's answer intake, every shard's answers together. */
export const QuestionIntake = z.strictObject({
  question: z.int().min(0),
  pushedAtMs: z.int(),
  /** How long it took answers: push → the earliest of now, its reveal and its deadline + grace. */
  openMs: z.int().min(0),
  /** Whether it still takes answers (nothing closed it yet). */
  open: z.boolean(),
  answers: z.int().min(0),
  /** answers ÷ max(openMs, 1 s), per second. */
  perSec: z.number().min(0),
  /** The most answers in one whole second after the push. */
  peakPerSec: z.int().min(0),
  /** null before the first answer. */
  lagMs: AnswerLag.nullable(),
  /** Answers in each whole second after the push: [0 s–1 s), [1 s–2 s), … (the console's chart). */
  perSecond: z.array(z.int().min(0)),
});

/** One shard's health. */
export const ShardHealth = z.strictObject({
  shard: z.int().min(0),
  online: z.int().min(0),
  /** The last numbered notification this shard applied, and how far it is behind the coordinator's. */
  roomSeq: z.int().min(0),
  behind: z.int().min(0),
  /** Its last numbered delivery, from its arrival at the shard to its send to the last socket (the
   * coordinator: from its hand-off to the last shard's answer). */
  fanoutMs: z.int().min(0),
  /** Settlement events not yet accepted by the Queue, and the oldest one's age. */
  outboxBacklog: z.int().min(0),
  oldestUnsentAgeMs: z.int().min(0).nullable(),
  /** Events the Queue took that D1 does not hold yet (of those checked), and the oldest one's age. */
  unapplied: z.int().min(0),
  oldestUnappliedAgeMs: z.int().min(0).nullable(),
  /** Connections of a user already seen on this shard, and RESUME frames, in the last 60 s. */
  reconnects: z.int().min(0),
  resumes: z.int().min(0),
  reconnectsPerSec: z.number().min(0),
  resumesPerSec: z.number().min(0),
});

/** The room's health: per question, fan-out, settlement, reconnects, and a row per shard. */
export const RoomHealth = z.strictObject({
  activityId: z.string(),
  nowMs: z.int(),
  shardCount: z.int().min(1),
  online: z.int().min(0),
  /** Every question pushed so far, in push order. */
  questions: z.array(QuestionIntake),
  fanout: z.strictObject({
    /** The room's last numbered step to its last socket: max(coordinator's hand-off, slowest shard's send). */
    lastSocketMs: z.int().min(0),
    coordinatorMs: z.int().min(0),
    slowestShard: z.int().min(0),
    slowestShardMs: z.int().min(0),
  }),
  settlement: z.strictObject({
    outboxBacklog: z.int().min(0),
    oldestUnsentAgeMs: z.int().min(0).nullable(),
    unapplied: z.int().min(0),
    oldestUnappliedAgeMs: z.int().min(0).nullable(),
  }),
  reconnects: z.int().min(0),
  resumes: z.int().min(0),
  reconnectsPerSec: z.number().min(0),
  resumesPerSec: z.number().min(0),
  shards: z.array(ShardHealth),
});

export type AnswerLagView = z.infer<typeof AnswerLag>;
export type QuestionIntakeView = z.infer<typeof QuestionIntake>;
export type ShardHealthView = z.infer<typeof ShardHealth>;
export type RoomHealthView = z.infer<typeof RoomHealth>;
