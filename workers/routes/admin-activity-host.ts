import { getActivityDetail } from "../../schema/queries/activities";
import { setActivityHost } from "../../schema/queries/gifts";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { ActivityParams } from "../input/ids";
import type { HostInput } from "../input/social";

/** `PUT /api/admin/activities/:id/host` `{ hostId }`: the user the activity's gifts are credited to. */
export const adminActivityHost: RouteHandler<{
  param: typeof ActivityParams;
  json: typeof HostInput;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const { hostId } = c.req.valid("json");
  if ((await getActivityDetail(c.env.DB, id)) === null)
    throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${id}`);
  await setActivityHost(c.env.DB, id, hostId, Date.now());
  return c.json({ activityId: id, hostId });
};
