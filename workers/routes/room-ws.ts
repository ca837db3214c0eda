import { liveroom } from "../../schema/proto";
import { verifyToken } from "../../schema/auth";
import { errorResponse } from "../http/errors";
import type { RouteHandler } from "../http/route";
import type { RoomParams } from "../rooms/control";
import { roomShards, socketShard } from "../rooms/room-shard";

/** The subprotocol the room speaks; browsers pass the token as a second offered "protocol". */
export const SUBPROTOCOL = "liveroom";

/** What a `Sec-WebSocket-Protocol: liveroom, <jwt>` header offers. */
export function parseSubprotocols(header: string | undefined): { liveroom: boolean; token: string | null } {
  const offered = (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (!offered.includes(SUBPROTOCOL)) return { liveroom: false, token: null };
  return { liveroom: true, token: offered.find((p) => p !== SUBPROTOCOL) ?? null };
}

/**
 * `GET /rooms/:id/ws`: checks the token before anything reaches the room, then hands the raw
 * upgrade to the room's Durable Object (hibernatable sockets need the raw request, not Hono's helper).
 * The token comes from `?token=` or the subprotocol; without one the client authenticates with an
 * auth frame. Only the Worker sets `X-Liveroom-*`: the room trusts them, so none of the client's pass.
 * With a token: `X-Liveroom-User` (its sub), `X-Liveroom-Role` and `X-Liveroom-Exp` (its expiry, s).
 * Without a token none is set. Whether a host token may operate this activity the room decides on
 * each host frame (the activity's host, cached for 30 s), the same for sockets that AUTH later.
 * The socket goes to the user's shard (`X-Liveroom-Shard`; workers/rooms/room-shard.ts).
 * 401 `{ error: { code: 100 } }` for a bad or expired token. Registered with role `socket`, whose
 * check answers 426 without `Upgrade: websocket` before this runs (workers/http/route.ts).
 */
export const roomWs: RouteHandler<{ param: typeof RoomParams }> = async (c) => {
  const { id } = c.req.valid("param");
  const offer = parseSubprotocols(c.req.header("Sec-WebSocket-Protocol"));
  const token = c.req.query("token") || offer.token;
  const headers = new Headers({ Upgrade: "websocket", "X-Liveroom-Activity": id });
  let userId: string | null = null;
  if (token) {
    const check = await verifyToken(token, c.env.JWT_SECRET);
    if (!check.ok) {
      const message = check.reason === "expired" ? "token expired" : "token invalid";
      return errorResponse(c, 401, liveroom.Code.TOKEN_INVALID, message);
    }
    userId = check.claims.sub;
    headers.set("X-Liveroom-User", check.claims.sub);
    headers.set("X-Liveroom-Role", check.claims.role);
    // The room closes the socket when the token expires unless the client sends REFRESH first.
    headers.set("X-Liveroom-Exp", String(check.claims.exp));
  }
  // The browser drops a socket whose server does not pick one of the offered subprotocols.
  if (offer.liveroom) headers.set("X-Liveroom-Protocol", SUBPROTOCOL);
  const shards = await roomShards(c.env.DB, id);
  const target = socketShard(id, userId, shards);
  headers.set("X-Liveroom-Shard", String(target.shard));
  const stub = c.env.LIVE_ROOM.get(c.env.LIVE_ROOM.idFromName(target.name));
  return stub.fetch(new Request(c.req.url, { headers }));
};
