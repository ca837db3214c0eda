import type { RouteHandler } from "../http/route";
import type { DanmakuParams } from "../rooms/control";
import { runModeration } from "../rooms/moderate";

/** `POST /api/rooms/:id/danmaku/:danmakuId/delete`: removes a shown danmaku from every screen and from the replay. */
export const roomDanmakuDelete: RouteHandler<{ param: typeof DanmakuParams }> = async (c) => {
  const { id, danmakuId } = c.req.valid("param");
  return runModeration(c, id, { kind: "delete", id: danmakuId });
};
