import { Hono } from "hono";
import { requireRole } from "./auth/middleware";
import type { Env } from "./env";
import type { AppEnv } from "./http/app-env";
import { notFound, onError } from "./http/errors";
import { adminActivityCreate } from "./routes/admin-activity-create";
import { adminActivityGet } from "./routes/admin-activity-get";
import { adminActivityList } from "./routes/admin-activity-list";
import { adminUserUpsert } from "./routes/admin-user-upsert";
import { healthz } from "./routes/healthz";
import { roomEnd } from "./routes/room-end";
import { roomOpen } from "./routes/room-open";
import { roomPush } from "./routes/room-push";
import { roomRainStart } from "./routes/room-rain-start";
import { roomReveal } from "./routes/room-reveal";
import { roomStats } from "./routes/room-stats";
import { roomWs } from "./routes/room-ws";

export { LiveRoom } from "../durable-objects/live-room";
export type { Env } from "./env";

/** The Worker's HTTP app: admin API, operator controls, the room upgrade. Routes are one file each. */
export const app = new Hono<AppEnv>();
app.onError(onError);
app.notFound(notFound);

// Auth by prefix, so that no route under it can be added without its role check.
app.use("/api/admin/*", requireRole("admin"));
app.use("/api/rooms/*", requireRole("host"));

app.get("/healthz", healthz);

app.post("/api/admin/activities", adminActivityCreate);
app.get("/api/admin/activities", adminActivityList);
app.get("/api/admin/activities/:id", adminActivityGet);
app.post("/api/admin/users", adminUserUpsert);

app.post("/api/rooms/:id/open", roomOpen);
app.post("/api/rooms/:id/questions/:k/push", roomPush);
app.post("/api/rooms/:id/questions/:k/reveal", roomReveal);
app.post("/api/rooms/:id/end", roomEnd);
app.post("/api/rooms/:id/rains/:r/start", roomRainStart);
app.get("/api/rooms/:id/stats", roomStats);

app.get("/rooms/:id/ws", roomWs);

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
