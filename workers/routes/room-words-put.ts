import type { RouteHandler } from "../http/route";
import type { RoomWordsInput } from "../input/social";
import type { RoomParams } from "../rooms/control";
import { runModeration } from "../rooms/moderate";

/**
 * `PUT /api/rooms/:id/danmaku/words` `{ words }`: replaces the room's own blocked words; the room
 * filters with them and the platform's list (`PUT /api/admin/danmaku/words`).
 */
export const roomWordsPut: RouteHandler<{ param: typeof RoomParams; json: typeof RoomWordsInput }> = async (
  c,
) => {
  const { id } = c.req.valid("param");
  const { words } = c.req.valid("json");
  return runModeration(c, id, { kind: "words", words });
};
