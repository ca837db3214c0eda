import type { RouteHandler } from "../http/route";
import type { StreamTsInput } from "../input/control";
import { type RainParams, runControl } from "../rooms/control";

/** `POST /api/rooms/:id/rains/:r/start` `{ streamTsMs? }`: starts red-packet rain r. */
export const roomRainStart: RouteHandler<{ param: typeof RainParams; json: typeof StreamTsInput }> = async (
  c,
) => {
  const { id, r } = c.req.valid("param");
  return runControl(c, id, { kind: "startRain", rain: r, streamTsMs: c.req.valid("json").streamTsMs });
};
