import type { RouteHandler } from "../http/route";
import type { MuteInput } from "../input/social";
import type { RoomParams } from "../rooms/control";
import { runModeration } from "../rooms/moderate";

/**
 * `POST /api/rooms/:id/mutes` `{ userId, durationMs, forShow? }`: mutes a player's danmaku for a while
 * (0 lifts it) or, with `forShow: true`, for the rest of the show.
 */
export const roomMute: RouteHandler<{ param: typeof RoomParams; json: typeof MuteInput }> = async (c) => {
  const { id } = c.req.valid("param");
  const { userId, durationMs, forShow } = c.req.valid("json");
  return runModeration(c, id, { kind: "mute", userId, durationMs, forShow });
};
