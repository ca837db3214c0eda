import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { pathParams, QuestionParams, runControl, streamTs } from "../rooms/control";

/** `POST /api/rooms/:id/questions/:k/push` `{ streamTsMs? }`: asks question k; its answer window starts now. */
export const roomPush: Handler<AppEnv> = async (c) => {
  const { id, k } = pathParams(c, QuestionParams);
  return runControl(c, id, { kind: "push", question: k, streamTsMs: await streamTs(c) });
};
