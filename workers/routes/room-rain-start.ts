import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { pathParams, RainParams, runControl, streamTs } from "../rooms/control";

/** `POST /api/rooms/:id/rains/:r/start` `{ streamTsMs? }`: starts red-packet rain r. */
export const roomRainStart: Handler<AppEnv> = async (c) => {
  const { id, r } = pathParams(c, RainParams);
  return runControl(c, id, { kind: "startRain", rain: r, streamTsMs: await streamTs(c) });
};
