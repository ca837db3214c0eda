import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { StreamTsInput } from "../input/control";
import { MuteInput, RoomWordsInput, ShadowMuteInput, SlowModeInput } from "../input/social";
import { DanmakuParams, QuestionParams, RainParams, RoomParams } from "../rooms/control";
import { roomDanmakuDelete } from "../routes/room-danmaku-delete";
import { roomEnd } from "../routes/room-end";
import { roomHealth } from "../routes/room-health";
import { roomModeration } from "../routes/room-moderation";
import { roomMute } from "../routes/room-mute";
import { roomOpen } from "../routes/room-open";
import { roomPush } from "../routes/room-push";
import { roomRainStart } from "../routes/room-rain-start";
import { roomReveal } from "../routes/room-reveal";
import { roomShadowMute } from "../routes/room-shadow-mute";
import { roomSlowMode } from "../routes/room-slow-mode";
import { roomStats } from "../routes/room-stats";
import { roomWordsPut } from "../routes/room-words-put";

/**
 * Mounted at `/api/rooms`: the operator's controls and moderation of a live room, for the activity's
 * own host (`activityHost: "id"`: `PUT /api/admin/activities/:id/host`) and for admins.
 */
export const roomsArea = new Hono<AppEnv>();

route(roomsArea, "post", "/:id/open", { role: "host", activityHost: "id", param: RoomParams }, roomOpen);
route(
  roomsArea,
  "post",
  "/:id/questions/:k/push",
  { role: "host", activityHost: "id", param: QuestionParams, json: StreamTsInput },
  roomPush,
);
route(
  roomsArea,
  "post",
  "/:id/questions/:k/reveal",
  { role: "host", activityHost: "id", param: QuestionParams, json: StreamTsInput },
  roomReveal,
);
route(
  roomsArea,
  "post",
  "/:id/rains/:r/start",
  { role: "host", activityHost: "id", param: RainParams, json: StreamTsInput },
  roomRainStart,
);
route(roomsArea, "post", "/:id/end", { role: "host", activityHost: "id", param: RoomParams }, roomEnd);
route(roomsArea, "get", "/:id/stats", { role: "host", activityHost: "id", param: RoomParams }, roomStats);
route(roomsArea, "get", "/:id/health", { role: "host", activityHost: "id", param: RoomParams }, roomHealth);

// Moderation (docs/live-room.md).
route(
  roomsArea,
  "post",
  "/:id/danmaku/:danmakuId/delete",
  { role: "host", activityHost: "id", param: DanmakuParams },
  roomDanmakuDelete,
);
route(
  roomsArea,
  "post",
  "/:id/mutes",
  { role: "host", activityHost: "id", param: RoomParams, json: MuteInput },
  roomMute,
);
route(
  roomsArea,
  "post",
  "/:id/shadow-mutes",
  { role: "host", activityHost: "id", param: RoomParams, json: ShadowMuteInput },
  roomShadowMute,
);
route(
  roomsArea,
  "post",
  "/:id/slow-mode",
  { role: "host", activityHost: "id", param: RoomParams, json: SlowModeInput },
  roomSlowMode,
);
route(
  roomsArea,
  "put",
  "/:id/danmaku/words",
  { role: "host", activityHost: "id", param: RoomParams, json: RoomWordsInput },
  roomWordsPut,
);
route(
  roomsArea,
  "get",
  "/:id/moderation",
  { role: "host", activityHost: "id", param: RoomParams },
  roomModeration,
);
