import { Hono } from "hono";
export { LiveRoom } from "../durable-objects/live-room";

export interface Env {
  DB: D1Database;
  LIVE_ROOM: DurableObjectNamespace<import("../durable-objects/live-room").LiveRoom>;
  JWT_SECRET: string;
  ANSWER_GRACE_MS: string;
}

const app = new Hono<{ Bindings: Env }>();
app.get("/rooms/:id/ws", (c) => {
  const stub = c.env.LIVE_ROOM.get(c.env.LIVE_ROOM.idFromName(c.req.param("id")));
  return stub.fetch(c.req.raw);
});
export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
