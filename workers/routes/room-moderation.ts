import type { RouteHandler } from "../http/route";
import type { RoomParams } from "../rooms/control";
import { runModeration } from "../rooms/moderate";

/** `GET /api/rooms/:id/moderation`: slow mode, the mutes in force, the shadow mutes and the room's own words. */
export const roomModeration: RouteHandler<{ param: typeof RoomParams }> = async (c) => {
  const { id } = c.req.valid("param");
  return runModeration(c, id, { kind: "read" });
};
