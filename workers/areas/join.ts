import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { ActivityParams } from "../input/ids";
import { RoomParams } from "../rooms/control";
import { roomJoin } from "../routes/room-join";
import { roomWs } from "../routes/room-ws";

/**
 * Mounted at `/`: joining a room. The page's check runs with any role's bearer token; the socket's
 * token comes in the query or the subprotocol (or a later auth frame), so room-ws.ts checks it itself.
 */
export const joinArea = new Hono<AppEnv>();

route(joinArea, "get", "/api/join/:id", { role: "viewer", param: ActivityParams }, roomJoin);
route(joinArea, "get", "/rooms/:id/ws", { role: "socket", param: RoomParams }, roomWs);
