import { DurableObject } from "cloudflare:workers";
import { liveroom } from "../schema/generated/live.js";

export class LiveRoom extends DurableObject {
  override async fetch(_req: Request): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], ["viewer"]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  override async webSocketMessage(ws: WebSocket, msg: ArrayBuffer | string) {
    if (typeof msg === "string") return;
    const f = liveroom.Frame.decode(new Uint8Array(msg));
    ws.send(liveroom.Frame.encode({ type: f.type, seq: f.seq, response: { status: 1 } }).finish());
  }
}
