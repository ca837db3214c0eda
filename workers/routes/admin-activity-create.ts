import type { Context } from "hono";
import {
  type ActivityConfig,
  defaultStreamDelayBudgetMs,
  type RainConfig,
  shardsFor,
} from "../../schema/activity";
import { getActivityDetail, insertActivity } from "../../schema/queries/activities";
import { adminActivityDetail } from "../activities/admin-detail";
import type { AppEnv } from "../http/app-env";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { ActivityInput } from "../input/activity";

/** 128 crypto-random bits, hex: the default seed of a rain's packet split. */
function randomSeed(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function toRain(rain: ActivityInput["rains"][number]): RainConfig {
  return {
    totalCents: rain.totalCents,
    count: rain.count,
    targetTapsPerSec: rain.targetTapsPerSec,
    durationMs: rain.durationMs,
    seed: rain.seed ?? randomSeed(),
  };
}

/**
 * `POST /api/admin/activities`: validates the activity, draws a seed for every rain that has none
 * and stores it all at once; the packet amounts are not stored, the room derives them from the seed.
 * 201 `{ activity }`; 409 ACTIVITY_EXISTS when `id` is taken.
 */
export const adminActivityCreate: RouteHandler<{ json: typeof ActivityInput }> = async (c) =>
  createActivity(c, c.req.valid("json"));

/**
 * Stores a validated activity and answers 201 `{ activity }` (409 ACTIVITY_EXISTS when `id` is taken);
 * also the end of `POST /api/admin/bank/activities`, whose questions are copies of bank questions.
 */
export async function createActivity(c: Context<AppEnv>, input: ActivityInput): Promise<Response> {
  const config: ActivityConfig = {
    id: input.id ?? crypto.randomUUID(),
    title: input.title,
    startAtMs: input.startAt,
    prizePoolCents: input.prizePoolCents,
    answerWindowMs: input.answerWindowMs,
    streamUrl: input.streamUrl ?? "",
    streamDelayBudgetMs: input.streamDelayBudgetMs ?? defaultStreamDelayBudgetMs(input.streamUrl ?? ""),
    grabCap: input.grabCap,
    shards: input.shards ?? shardsFor(input.expectedAudience ?? 1),
    questions: input.questions,
    rains: input.rains.map(toRain),
  };
  if ((await insertActivity(c.env.DB, config, Date.now())) === "exists") {
    throw new ApiError(409, "ACTIVITY_EXISTS", `activity ${config.id} already exists`, "id");
  }
  const activity = await getActivityDetail(c.env.DB, config.id);
  return c.json({ activity: activity === null ? null : adminActivityDetail(activity) }, 201);
}
