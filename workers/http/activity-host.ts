import type { MiddlewareHandler } from "hono";
import type { Claims } from "../../schema/auth";
import { loadActivityHost } from "../../schema/queries/gifts";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

/**
 * Whether these claims may operate this activity: an admin any; a host only the activity whose host
 * (`activity_hosts`, set by `PUT /api/admin/activities/:id/host`) is their `sub`; a viewer none.
 * @example await mayOperate(env.DB, { sub: "host-a", role: "host", exp }, "demo") // true when host-a hosts demo
 */
export async function mayOperate(db: D1Database, claims: Claims, activityId: string): Promise<boolean> {
  if (claims.role === "admin") return true;
  if (claims.role !== "host") return false;
  return (await loadActivityHost(db, activityId)) === claims.sub;
}

/**
 * `activityHost`: after the `host` role and the inputs' validation, 403 FORBIDDEN unless the caller
 * may operate the activity named by path parameter `param` (`mayOperate`), before the room is called.
 * @example route(rooms, "post", "/:id/open", { role: "host", activityHost: "id", param: RoomParams }, roomOpen)
 */
export function requireActivityHost(param: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = c.req.param(param) ?? "";
    if (!(await mayOperate(c.env.DB, c.var.claims, id))) {
      throw new ApiError(403, "FORBIDDEN", `only the host of activity ${id} or an admin may do this`);
    }
    await next();
  };
}
