// Baseline (a): the least a hibernatable Durable Object can do to fan a frame out. It accepts
// sockets, answers the heartbeat without waking, and on POST loops `send` over every socket;
// a binary frame from a socket is relayed to every socket the same way (the danmaku baseline).
import { DurableObject } from "cloudflare:workers";

const HEARTBEAT_TEXT = "\x08\x01";

export class BareRoom extends DurableObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT_TEXT, HEARTBEAT_TEXT));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() === "websocket") {
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    const bytes = new Uint8Array(await request.arrayBuffer());
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) ws.send(bytes);
    return Response.json({ sent: sockets.length });
  }

  /** The danmaku baseline: every binary frame a socket sends goes to every socket, as is. */
  override async webSocketMessage(_ws: WebSocket, message: ArrayBuffer | string): Promise<void> {
    if (typeof message === "string") return;
    for (const ws of this.ctx.getWebSockets()) ws.send(message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code);
    } catch {
      // Already closed.
    }
  }
}
