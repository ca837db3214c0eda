import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { liveroom } from "../../schema/generated/live.js";
import { setActivityHost } from "../../schema/queries/gifts";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";

const nowSec = () => Math.floor(Date.now() / 1000);

function upgrade(
  room: string,
  opts: { query?: string; protocol?: string; headers?: Record<string, string> } = {},
) {
  const headers = new Headers({ Upgrade: "websocket", ...opts.headers });
  if (opts.protocol !== undefined) headers.set("Sec-WebSocket-Protocol", opts.protocol);
  return exports.default.fetch(`http://liveroom.test/rooms/${room}/ws${opts.query ?? ""}`, { headers });
}

/** Whether the room's Durable Object was ever created. */
async function roomTouched(room: string): Promise<boolean> {
  const target = env.LIVE_ROOM.idFromName(room);
  return (await listDurableObjectIds(env.LIVE_ROOM)).some((id) => id.equals(target));
}

/** Sends one request frame and waits for the response with the same seq. */
function request(ws: WebSocket, frame: liveroom.IFrame): Promise<liveroom.Frame> {
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if (typeof e.data === "string") return;
      const got = liveroom.Frame.decode(new Uint8Array(e.data as ArrayBuffer));
      if (got.response && got.seq === frame.seq) {
        ws.removeEventListener("message", onMessage);
        resolve(got);
      }
    };
    ws.addEventListener("message", onMessage);
    ws.send(liveroom.Frame.encode(frame).finish());
  });
}

function openSocket(res: Response): WebSocket {
  const ws = res.webSocket!;
  ws.binaryType = "arraybuffer";
  ws.accept();
  return ws;
}

describe("GET /rooms/:id/ws: bad tokens never reach the room", () => {
  it("401 code 100 for a token signed with another secret (query)", async () => {
    const room = uniqueId("ws-forged");
    const forged = await tokenFor("viewer", { secret: "another-secret" });
    const res = await upgrade(room, { query: `?token=${forged}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 100, message: "token invalid" } });
    expect(await roomTouched(room)).toBe(false);
    expect(await listDurableObjectIds(env.LIVE_ROOM)).toEqual([]);
  });

  it("401 code 100 for an expired token (subprotocol)", async () => {
    const room = uniqueId("ws-expired");
    const expired = await tokenFor("viewer", { expSec: nowSec() - 1 });
    const res = await upgrade(room, { protocol: `liveroom, ${expired}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 100, message: "token expired" } });
    expect(await roomTouched(room)).toBe(false);
    expect(await listDurableObjectIds(env.LIVE_ROOM)).toEqual([]);
  });

  it("426 without an Upgrade header", async () => {
    const room = uniqueId("ws-plain");
    const res = await exports.default.fetch(`http://liveroom.test/rooms/${room}/ws`);
    expect(res.status).toBe(426);
    expect(res.headers.get("Upgrade")).toBe("websocket");
    expect(await res.json()).toEqual({
      error: { code: "UPGRADE_REQUIRED", message: "this route only accepts a WebSocket upgrade" },
    });
    expect(await roomTouched(room)).toBe(false);
  });

  it("400 for a room id that is not a slug", async () => {
    const res = await upgrade("Not_A_Slug");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: "VALIDATION_FAILED",
        message: "id must be 1–64 characters of a–z, 0–9 and -",
        field: "id",
      },
    });
  });
});

describe("GET /rooms/:id/ws: valid upgrades reach the room", () => {
  async function createRoom(): Promise<string> {
    const room = uniqueId("ws-room");
    const res = await call("POST", "/api/admin/activities", {
      token: await tokenFor("admin"),
      body: activityBody(room),
    });
    expect(res.status).toBe(201);
    return room;
  }

  it("a token by subprotocol: 101 with subprotocol liveroom, and the room knows the role", async () => {
    const room = await createRoom();
    const viewer = await tokenFor("viewer", { sub: uniqueId("alice") });
    const res = await upgrade(room, { protocol: `liveroom, ${viewer}` });
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("liveroom");
    expect(await roomTouched(room)).toBe(true);
    const ws = openSocket(res);
    // A viewer asking for operator stats is refused by the room: it got the role from the Worker.
    const reply = await request(ws, { type: liveroom.Type.STATS, seq: 1, request: { stats: {} } });
    expect(reply.response!.status).toBe(liveroom.Status.FAILED);
    expect(reply.response!.code).toBe(liveroom.Code.FORBIDDEN);
    ws.close(1000);
  });

  it("client-sent X-Liveroom-* headers are dropped: without a token the socket is unauthenticated", async () => {
    const room = await createRoom();
    const res = await upgrade(room, {
      headers: { "X-Liveroom-User": "mallory", "X-Liveroom-Role": "admin", "X-Liveroom-Activity": "other" },
    });
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBeNull();
    const ws = openSocket(res);
    const reply = await request(ws, { type: liveroom.Type.STATS, seq: 1, request: { stats: {} } });
    expect(reply.response!.code).toBe(liveroom.Code.NOT_AUTHENTICATED);
    ws.close(1000);
  });

  it("a host token by query parameter may ask the room for stats of an activity it hosts", async () => {
    const room = await createRoom();
    const sub = uniqueId("host");
    await setActivityHost(env.DB, room, sub, Date.now());
    const host = await tokenFor("host", { sub });
    const res = await upgrade(room, { query: `?token=${host}` });
    expect(res.status).toBe(101);
    const ws = openSocket(res);
    const reply = await request(ws, { type: liveroom.Type.STATS, seq: 1, request: { stats: {} } });
    expect(reply.response!.status).toBe(liveroom.Status.OK);
    ws.close(1000);
  });
});
