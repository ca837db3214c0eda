import type { RouteHandler } from "../http/route";
import { type RoomParams, runControl } from "../rooms/control";

/** `GET /api/rooms/:id/stats`: the room's live figures for the operator. */
export const roomStats: RouteHandler<{ param: typeof RoomParams }> = async (c) => {
  const { id } = c.req.valid("param");
  return runControl(c, id, { kind: "stats" });
};
