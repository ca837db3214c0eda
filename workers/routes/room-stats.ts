import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { pathParams, RoomParams, runControl } from "../rooms/control";

/** `GET /api/rooms/:id/stats`: the room's live figures for the operator. */
export const roomStats: Handler<AppEnv> = async (c) => {
  const { id } = pathParams(c, RoomParams);
  return runControl(c, id, { kind: "stats" });
};
