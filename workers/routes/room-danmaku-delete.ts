import type { Handler } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { parseInput } from "../http/validate";
import { ActivityId, PathIndex } from "../input/ids";
import { runModeration } from "../rooms/moderate";

/** `POST /api/rooms/:id/danmaku/:danmakuId/delete`: removes a shown danmaku from every screen and from the replay. */
export const roomDanmakuDelete: Handler<AppEnv> = async (c) => {
  const { id, danmakuId } = parseInput(z.object({ id: ActivityId, danmakuId: PathIndex }), c.req.param());
  return runModeration(c, id, { kind: "delete", id: danmakuId });
};
