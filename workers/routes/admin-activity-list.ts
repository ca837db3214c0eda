import { z } from "zod";
import { listActivities } from "../../schema/queries/activities";
import type { RouteHandler } from "../http/route";

const LIMIT = "must be an integer from 1 to 200";
/** `?limit=` of the admin list. */
export const ActivityListQuery = z.object({
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, { error: LIMIT })
    .transform(Number)
    .refine((n) => n <= 200, { error: LIMIT })
    .default(50),
});

/** `GET /api/admin/activities?limit=50`: activities newest first, with question and rain counts. */
export const adminActivityList: RouteHandler<{ query: typeof ActivityListQuery }> = async (c) => {
  const { limit } = c.req.valid("query");
  return c.json({ activities: await listActivities(c.env.DB, limit) });
};
