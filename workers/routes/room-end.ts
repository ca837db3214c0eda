import type { RouteHandler } from "../http/route";
import { type RoomParams, runControl } from "../rooms/control";

/** `POST /api/rooms/:id/end`: ends the game and splits the prize pool among the survivors. */
export const roomEnd: RouteHandler<{ param: typeof RoomParams }> = async (c) => {
  const { id } = c.req.valid("param");
  return runControl(c, id, { kind: "end" });
};
