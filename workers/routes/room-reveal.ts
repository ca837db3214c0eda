import type { RouteHandler } from "../http/route";
import type { StreamTsInput } from "../input/control";
import { type QuestionParams, runControl } from "../rooms/control";

/** `POST /api/rooms/:id/questions/:k/reveal` `{ streamTsMs? }`: closes question k if open and reveals it. */
export const roomReveal: RouteHandler<{ param: typeof QuestionParams; json: typeof StreamTsInput }> = async (
  c,
) => {
  const { id, k } = c.req.valid("param");
  return runControl(c, id, { kind: "reveal", question: k, streamTsMs: c.req.valid("json").streamTsMs });
};
