import type { Handler } from "hono";
import { z } from "zod";
import { getActivityDetail } from "../../schema/queries/activities";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";
import { parseInput } from "../http/validate";
import { ActivityId } from "../input/ids";

/** `GET /api/admin/activities/:id`: the activity with its questions (correct options too) and rain totals. */
export const adminActivityGet: Handler<AppEnv> = async (c) => {
  const { id } = parseInput(z.object({ id: ActivityId }), c.req.param());
  const activity = await getActivityDetail(c.env.DB, id);
  if (activity === null) throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${id}`);
  return c.json({ activity });
};
