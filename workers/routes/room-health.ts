import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { RoomParams } from "../rooms/control";

/** `GET /api/rooms/:id/health`: the room's health for the console and monitoring (docs/live-room.md). */
export const roomHealth: RouteHandler<{ param: typeof RoomParams }> = async (c) => {
  const { id } = c.req.valid("param");
  const r = await c.env.LIVE_ROOM.get(c.env.LIVE_ROOM.idFromName(id)).health(id);
  if (!r.ok) throw new ApiError(r.code === "ACTIVITY_NOT_FOUND" ? 404 : 409, r.code, r.message);
  return c.json({ health: r.health }, 200);
};
