import type { RouteHandler } from "../http/route";
import type { SlowModeInput } from "../input/social";
import type { RoomParams } from "../rooms/control";
import { runModeration } from "../rooms/moderate";

/** `POST /api/rooms/:id/slow-mode` `{ seconds }`: one danmaku per `seconds` per player (0 turns it off). */
export const roomSlowMode: RouteHandler<{ param: typeof RoomParams; json: typeof SlowModeInput }> = async (
  c,
) => {
  const { id } = c.req.valid("param");
  const { seconds } = c.req.valid("json");
  return runModeration(c, id, { kind: "slowMode", seconds });
};
