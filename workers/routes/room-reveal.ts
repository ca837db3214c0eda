import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { pathParams, QuestionParams, runControl, streamTs } from "../rooms/control";

/** `POST /api/rooms/:id/questions/:k/reveal` `{ streamTsMs? }`: closes question k if open and reveals it. */
export const roomReveal: Handler<AppEnv> = async (c) => {
  const { id, k } = pathParams(c, QuestionParams);
  return runControl(c, id, { kind: "reveal", question: k, streamTsMs: await streamTs(c) });
};
