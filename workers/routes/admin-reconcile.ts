import { z } from "zod";
import { getActivityDetail } from "../../schema/queries/activities";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import { ActivityId } from "../input/ids";
import { reconcile } from "../settlement/reconcile-run";

/** `?activity=&repair=` of the reconciliation. */
export const ReconcileQuery = z.object({
  activity: ActivityId.optional(),
  repair: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("true"),
});

/**
 * `POST /api/admin/reconcile?activity=&repair=true`: compares rooms with the ledger (one activity, or
 * the cron's selection of recent ones) and answers 200 `{ report }` listing every difference; with
 * repair (the default) the rooms re-send what the ledger misses and an ended, settled activity's
 * leftover pool and rain budget go back to issuance. 404 ACTIVITY_NOT_FOUND for an unknown id.
 */
export const adminReconcile: RouteHandler<{ query: typeof ReconcileQuery }> = async (c) => {
  const { activity, repair } = c.req.valid("query");
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
