import { upsertUser } from "../../schema/queries/users";
import type { RouteHandler } from "../http/route";
import type { UserInput } from "../input/user";

/** `POST /api/admin/users` `{ id, name, revivalCards? }`: creates the user or replaces its name and cards. */
export const adminUserUpsert: RouteHandler<{ json: typeof UserInput }> = async (c) => {
  const input = c.req.valid("json");
  return c.json({ user: await upsertUser(c.env.DB, input, Date.now()) });
};
