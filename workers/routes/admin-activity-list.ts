import type { Handler } from "hono";
import { z } from "zod";
import { listActivities } from "../../schema/queries/activities";
import type { AppEnv } from "../http/app-env";
import { parseInput } from "../http/validate";

const LIMIT = "must be an integer from 1 to 200";
const ListQuery = z.object({
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, { error: LIMIT })
    .transform(Number)
    .refine((n) => n <= 200, { error: LIMIT })
    .default(50),
});

/** `GET /api/admin/activities?limit=50`: activities newest first, with question and rain counts. */
export const adminActivityList: Handler<AppEnv> = async (c) => {
  const { limit } = parseInput(ListQuery, c.req.query());
  return c.json({ activities: await listActivities(c.env.DB, limit) });
};
