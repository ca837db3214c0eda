import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { pathParams, RoomParams, runControl } from "../rooms/control";

/** `POST /api/rooms/:id/open`: the room loads its activity and opens the lobby. */
export const roomOpen: Handler<AppEnv> = async (c) => {
  const { id } = pathParams(c, RoomParams);
  return runControl(c, id, { kind: "open" });
};
