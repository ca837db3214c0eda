import type { Context } from "hono";
import { z } from "zod";
import type { ControlOp, ControlResult } from "../../durable-objects/control";
import { liveroom } from "../../schema/proto";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";
import { ActivityId, PathIndex } from "../input/ids";

/** The path parameters of room routes: the room (activity) id, and question / rain / danmaku indexes. */
export const RoomParams = z.object({ id: ActivityId });
export const QuestionParams = z.object({ id: ActivityId, k: PathIndex });
export const RainParams = z.object({ id: ActivityId, r: PathIndex });
export const DanmakuParams = z.object({ id: ActivityId, danmakuId: PathIndex });

/** HTTP status of a room's refusal: unknown activity 404, a bug in the room 500, anything else a 409 conflict. */
function statusOf(code: number): 404 | 409 | 500 {
  if (code === liveroom.Code.ACTIVITY_NOT_FOUND) return 404;
  if (code === liveroom.Code.INTERNAL) return 500;
  return 409;
}

/**
 * Runs one operator control in the activity's room (RPC to its LiveRoom) and answers with HTTP:
 * 200 `{ stats }` on success; 404 for ACTIVITY_NOT_FOUND; 409 with the room's code name for any
 * other refusal (NOT_ALLOWED_NOW, WRONG_QUESTION, ...); 500 INTERNAL. The room records open and end in D1 itself.
 */
export async function runControl(c: Context<AppEnv>, activityId: string, op: ControlOp): Promise<Response> {
  const stub = c.env.LIVE_ROOM.get(c.env.LIVE_ROOM.idFromName(activityId));
  const result: ControlResult = await stub.control(activityId, op);
  if (!result.ok) {
    const status = statusOf(result.code);
    throw new ApiError(status, result.codeName, result.message);
  }
  return c.json({ stats: result.stats }, 200);
}
