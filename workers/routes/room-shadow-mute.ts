import type { RouteHandler } from "../http/route";
import type { ShadowMuteInput } from "../input/social";
import type { RoomParams } from "../rooms/control";
import { runModeration } from "../rooms/moderate";

/**
 * `POST /api/rooms/:id/shadow-mutes` `{ userId, on }`: the player's danmaku are acknowledged and shown
 * to them alone, nobody else sees them (`on: false` lifts it).
 */
export const roomShadowMute: RouteHandler<{
  param: typeof RoomParams;
  json: typeof ShadowMuteInput;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const { userId, on } = c.req.valid("json");
  return runModeration(c, id, { kind: "shadow", userId, on });
};
