import { asc, desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { ActivityConfig, RainConfig } from "../activity";
import { activities, questions, rains } from "../db";

/** Where an activity is in its life, as the operator drives it over HTTP. */
export type ActivityStatus = "scheduled" | "live" | "ended";

/** An activity as the admin list shows it. */
export interface ActivitySummary
  extends Pick<
    ActivityConfig,
    "id" | "title" | "startAtMs" | "prizePoolCents" | "answerWindowMs" | "streamUrl" | "grabCap" | "shards"
  > {
  status: ActivityStatus;
  streamDelayBudgetMs: number;
  createdAtMs: number;
  questionCount: number;
  rainCount: number;
}

/**
 * An activity with its questions (correct option included) and rains as stored: totals and seed, no
 * packet amounts (they follow from the seed; the admin API adds the smallest and largest packet,
 * workers/activities/admin-detail.ts).
 */
export interface ActivityDetail extends Omit<ActivitySummary, "questionCount" | "rainCount"> {
  questions: ActivityConfig["questions"];
  rains: RainConfig[];
}

const summaryColumns = {
  id: activities.id,
  title: activities.title,
  startAtMs: activities.startAt,
  prizePoolCents: activities.prizePoolCents,
  answerWindowMs: activities.answerWindowMs,
  streamUrl: activities.streamUrl,
  streamDelayBudgetMs: activities.streamDelayBudgetMs,
  grabCap: activities.grabCap,
  shards: activities.shards,
  status: activities.status,
  createdAtMs: activities.createdAt,
};

/** Whether an error from D1 (possibly wrapped by drizzle) is the primary key of `activities` colliding. */
function isDuplicateActivity(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes("UNIQUE constraint failed: activities.id")) return true;
  }
  return false;
}

/**
 * Stores an activity with its questions and rains in one D1 batch (atomic: all rows or none).
 * Each question and rain is its own statement: a multi-row insert would pass D1's 100 bound parameters.
 * @returns "exists" when the id is taken, and then nothing is written.
 */
export async function insertActivity(
  d1: D1Database,
  config: ActivityConfig,
  createdAtMs: number,
): Promise<"created" | "exists"> {
  const db = drizzle(d1);
  const taken = await db.select({ id: activities.id }).from(activities).where(eq(activities.id, config.id));
  if (taken.length > 0) return "exists";
  const activityRow = db.insert(activities).values({
    id: config.id,
    title: config.title,
    startAt: config.startAtMs,
    prizePoolCents: config.prizePoolCents,
    answerWindowMs: config.answerWindowMs,
    streamUrl: config.streamUrl,
    streamDelayBudgetMs: config.streamDelayBudgetMs ?? 0,
    grabCap: config.grabCap,
    shards: config.shards,
    createdAt: createdAtMs,
  });
  const questionRows = config.questions.map((q, idx) =>
    db.insert(questions).values({ activityId: config.id, idx, ...q }),
  );
  // Field by field: the packet amounts are never stored, they follow from (totalCents, count, seed).
  const rainRows = config.rains.map((r, idx) =>
    db.insert(rains).values({
      activityId: config.id,
      idx,
      totalCents: r.totalCents,
      count: r.count,
      targetTapsPerSec: r.targetTapsPerSec,
      durationMs: r.durationMs,
      seed: r.seed,
    }),
  );
  try {
    await db.batch([activityRow, ...questionRows, ...rainRows]);
  } catch (err) {
    // Two creates of the same id raced past the check above; the batch rolled back.
    if (isDuplicateActivity(err)) return "exists";
    throw err;
  }
  return "created";
}

/**
 * The activity exactly as the room runs it (the packet amounts follow from each rain's seed:
 * `rainPackets`); null for an unknown id.
 * @example const config = await loadActivityConfig(env.DB, "demo")
 */
export async function loadActivityConfig(d1: D1Database, id: string): Promise<ActivityConfig | null> {
  const db = drizzle(d1);
  const [rows, questionRows, rainRows] = await db.batch([
    db.select().from(activities).where(eq(activities.id, id)),
    db.select().from(questions).where(eq(questions.activityId, id)).orderBy(asc(questions.idx)),
    db.select().from(rains).where(eq(rains.activityId, id)).orderBy(asc(rains.idx)),
  ]);
  const a = rows[0];
  if (a === undefined) return null;
  return {
    id: a.id,
    title: a.title,
    startAtMs: a.startAt,
    prizePoolCents: a.prizePoolCents,
    answerWindowMs: a.answerWindowMs,
    streamUrl: a.streamUrl,
    streamDelayBudgetMs: a.streamDelayBudgetMs,
    grabCap: a.grabCap,
    shards: a.shards,
    questions: questionRows.map((q) => ({ text: q.text, options: q.options, correct: q.correct })),
    rains: rainRows.map((r) => ({
      totalCents: r.totalCents,
      count: r.count,
      targetTapsPerSec: r.targetTapsPerSec,
      durationMs: r.durationMs,
      seed: r.seed,
    })),
  };
}

/** Activities, newest first (creation time, then insertion order for the same millisecond). */
export async function listActivities(d1: D1Database, limit: number): Promise<ActivitySummary[]> {
  const db = drizzle(d1);
  return db
    .select({
      ...summaryColumns,
      questionCount: sql<number>`(select count(*) from ${questions} where ${questions.activityId} = ${activities.id})`,
      rainCount: sql<number>`(select count(*) from ${rains} where ${rains.activityId} = ${activities.id})`,
    })
    .from(activities)
    .orderBy(desc(activities.createdAt), desc(sql`${activities}.rowid`))
    .limit(limit);
}

/**
 * One activity with its questions and rains; null for an unknown id. Reads D1 only, so it stays cheap
 * for the callers that just check the activity exists (joining a room, hosting, reconciling).
 */
export async function getActivityDetail(d1: D1Database, id: string): Promise<ActivityDetail | null> {
  const db = drizzle(d1);
  const [rows, questionRows, rainRows] = await db.batch([
    db.select(summaryColumns).from(activities).where(eq(activities.id, id)),
    db
      .select({ text: questions.text, options: questions.options, correct: questions.correct })
      .from(questions)
      .where(eq(questions.activityId, id))
      .orderBy(asc(questions.idx)),
    db
      .select({
        totalCents: rains.totalCents,
        count: rains.count,
        targetTapsPerSec: rains.targetTapsPerSec,
        durationMs: rains.durationMs,
        seed: rains.seed,
      })
      .from(rains)
      .where(eq(rains.activityId, id))
      .orderBy(asc(rains.idx)),
  ]);
  const a = rows[0];
  if (a === undefined) return null;
  return { ...a, questions: questionRows, rains: rainRows };
}

/** Records the operator's progress (open → live, end → ended); a no-op for an unknown id. */
export async function setActivityStatus(d1: D1Database, id: string, status: ActivityStatus): Promise<void> {
  await drizzle(d1).update(activities).set({ status }).where(eq(activities.id, id));
}

/** An activity's shard count (fixed at creation), or null for an unknown id. */
export async function loadActivityShards(d1: D1Database, id: string): Promise<number | null> {
  const rows = await drizzle(d1)
    .select({ shards: activities.shards })
    .from(activities)
    .where(eq(activities.id, id));
  return rows[0]?.shards ?? null;
}

/**
 * The activity's stream-delay budget (fair answer windows), read by the room when it pushes a
 * question; 0 for an unknown id.
 * @example const budgetMs = await loadStreamDelayBudget(env.DB, "demo")
 */
export async function loadStreamDelayBudget(d1: D1Database, id: string): Promise<number> {
  const rows = await drizzle(d1)
    .select({ budget: activities.streamDelayBudgetMs })
    .from(activities)
    .where(eq(activities.id, id));
  return rows[0]?.budget ?? 0;
}
