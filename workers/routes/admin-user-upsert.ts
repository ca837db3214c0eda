import type { Handler } from "hono";
import { upsertUser } from "../../schema/queries/users";
import type { AppEnv } from "../http/app-env";
import { parseInput, readJsonBody } from "../http/validate";
import { UserInput } from "../input/user";

/** `POST /api/admin/users` `{ id, name, revivalCards? }`: creates the user or replaces its name and cards. */
export const adminUserUpsert: Handler<AppEnv> = async (c) => {
  const input = parseInput(UserInput, await readJsonBody(c));
  return c.json({ user: await upsertUser(c.env.DB, input, Date.now()) });
};
