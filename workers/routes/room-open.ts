import type { RouteHandler } from "../http/route";
import { type RoomParams, runControl } from "../rooms/control";

/** `POST /api/rooms/:id/open`: the room loads its activity and opens the lobby. */
export const roomOpen: RouteHandler<{ param: typeof RoomParams }> = async (c) => {
  const { id } = c.req.valid("param");
  return runControl(c, id, { kind: "open" });
};
