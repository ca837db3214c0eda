import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { parseInput, readJsonBody } from "../http/validate";
import { MuteInput } from "../input/social";
import { pathParams, RoomParams } from "../rooms/control";
import { runModeration } from "../rooms/moderate";

/** `POST /api/rooms/:id/mutes` `{ userId, durationMs }`: mutes a player's danmaku for a while (0 lifts it). */
export const roomMute: Handler<AppEnv> = async (c) => {
  const { id } = pathParams(c, RoomParams);
  const { userId, durationMs } = parseInput(MuteInput, await readJsonBody(c));
  return runModeration(c, id, { kind: "mute", userId, durationMs });
};
