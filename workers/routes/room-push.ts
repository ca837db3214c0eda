import type { RouteHandler } from "../http/route";
import type { StreamTsInput } from "../input/control";
import { type QuestionParams, runControl } from "../rooms/control";

/** `POST /api/rooms/:id/questions/:k/push` `{ streamTsMs? }`: asks question k; its answer window starts now. */
export const roomPush: RouteHandler<{ param: typeof QuestionParams; json: typeof StreamTsInput }> = async (
  c,
) => {
  const { id, k } = c.req.valid("param");
  return runControl(c, id, { kind: "push", question: k, streamTsMs: c.req.valid("json").streamTsMs });
};
