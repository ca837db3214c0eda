import type { Handler } from "hono";
import { z } from "zod";
import { getActivityDetail } from "../../schema/queries/activities";
import { setActivityHost } from "../../schema/queries/gifts";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";
import { parseInput, readJsonBody } from "../http/validate";
import { ActivityId } from "../input/ids";
import { HostInput } from "../input/social";

/** `PUT /api/admin/activities/:id/host` `{ hostId }`: the user the activity's gifts are credited to. */
export const adminActivityHost: Handler<AppEnv> = async (c) => {
  const { id } = parseInput(z.object({ id: ActivityId }), c.req.param());
  const { hostId } = parseInput(HostInput, await readJsonBody(c));
  if ((await getActivityDetail(c.env.DB, id)) === null)
    throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${id}`);
  await setActivityHost(c.env.DB, id, hostId, Date.now());
  return c.json({ activityId: id, hostId });
};
