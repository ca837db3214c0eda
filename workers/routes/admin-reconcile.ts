import type { Handler } from "hono";
import { z } from "zod";
import { getActivityDetail } from "../../schema/queries/activities";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";
import { parseInput } from "../http/validate";
import { ActivityId } from "../input/ids";
import { reconcile } from "../settlement/reconcile-run";

const Query = z.object({
  activity: ActivityId.optional(),
  repair: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("true"),
});

/**
 * `POST /api/admin/reconcile?activity=&repair=true`: compares rooms with the ledger (one activity, or
 * the cron's selection of recent ones) and answers 200 `{ report }` listing every difference; with
 * repair (the default) the rooms re-send what the ledger misses. 404 ACTIVITY_NOT_FOUND for an unknown id.
 */
export const adminReconcile: Handler<AppEnv> = async (c) => {
  const { activity, repair } = parseInput(Query, c.req.query());
  if (activity !== undefined && (await getActivityDetail(c.env.DB, activity)) === null) {
    throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${activity}`, "activity");
  }
  const report = await reconcile(c.env, {
    activityIds: activity === undefined ? undefined : [activity],
    repair: repair === "true",
    nowMs: Date.now(),
  });
  return c.json({ report });
};
