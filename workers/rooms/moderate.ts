import type { Context } from "hono";
import type { ModerationOp } from "../../durable-objects/control";
import type { AppEnv } from "../http/app-env";
import { ApiError } from "../http/errors";

const STATUS = {
  ACTIVITY_NOT_FOUND: 404,
  DANMAKU_UNKNOWN: 404,
  MUTE_BAD_REQUEST: 400,
  MODERATION_BAD_REQUEST: 400,
} as const;

/**
 * Runs one moderation step in the activity's room (RPC to its LiveRoom) as the calling host:
 * 200 `{ ok: true }` (mute, delete) or `{ ok: true, moderation }` (the state after the step); 404
 * ACTIVITY_NOT_FOUND or DANMAKU_UNKNOWN; 400 MUTE_BAD_REQUEST or MODERATION_BAD_REQUEST.
 */
export async function runModeration(
  c: Context<AppEnv>,
  activityId: string,
  op: ModerationOp,
): Promise<Response> {
  const stub = c.env.LIVE_ROOM.get(c.env.LIVE_ROOM.idFromName(activityId));
  const result = await stub.moderate(activityId, c.var.claims.sub, op);
  if (!result.ok) throw new ApiError(STATUS[result.code], result.code, result.message);
  return c.json(result.moderation === null ? { ok: true } : { ok: true, moderation: result.moderation });
}
