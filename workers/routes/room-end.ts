import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { pathParams, RoomParams, runControl } from "../rooms/control";

/** `POST /api/rooms/:id/end`: ends the game and splits the prize pool among the survivors. */
export const roomEnd: Handler<AppEnv> = async (c) => {
  const { id } = pathParams(c, RoomParams);
  return runControl(c, id, { kind: "end" });
};
