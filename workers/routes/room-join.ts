import { getActivityDetail } from "../../schema/queries/activities";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { ActivityParams } from "../input/ids";

/**
 * `GET /api/join/:id` (any role): the room a token is about to join, without its answers. Browsers
 * cannot read why a WebSocket upgrade was refused, so the viewer page asks here first and can say
 * "token expired" (401) or "no such room" (404 ACTIVITY_NOT_FOUND) instead of "could not connect".
 * → 200 `{ room: { id, title, status, startAtMs, streamUrl, streamDelayBudgetMs, answerWindowMs, prizePoolCents,
 * questionCount, rainCount } }` (the window and the budget tell a console how long answers stay open)
 */
export const roomJoin: RouteHandler<{ param: typeof ActivityParams }> = async (c) => {
  const { id } = c.req.valid("param");
  const a = await getActivityDetail(c.env.DB, id);
  if (a === null) throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${id}`);
  const { title, status, startAtMs, streamUrl, streamDelayBudgetMs, answerWindowMs, prizePoolCents } = a;
  return c.json({
    room: {
      id,
      title,
      status,
      startAtMs,
      streamUrl,
      streamDelayBudgetMs,
      answerWindowMs,
      prizePoolCents,
      questionCount: a.questions.length,
      rainCount: a.rains.length,
    },
  });
};
