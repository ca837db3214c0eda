import { getActivityDetail } from "../../schema/queries/activities";
import { adminActivityDetail } from "../activities/admin-detail";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { ActivityParams } from "../input/ids";

/**
 * `GET /api/admin/activities/:id`: the activity with its questions (correct options too) and rain
 * totals, each rain with its smallest and largest packet (derived from its seed).
 */
export const adminActivityGet: RouteHandler<{ param: typeof ActivityParams }> = async (c) => {
  const { id } = c.req.valid("param");
  const activity = await getActivityDetail(c.env.DB, id);
  if (activity === null) throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${id}`);
  return c.json({ activity: adminActivityDetail(activity) });
};
