// A probe for the connect path: the bare room plus one of the things liveroom's upgrade does,
// chosen by `?mode=`: `sql` writes a row (the player), `d1` awaits one D1 query (the revival
// cards, as liveroom did before batching), `d1sql` both. Shows which step costs the handshakes.
import { DurableObject } from "cloudflare:workers";
import { loadRevivalCards } from "../../schema/queries/users";

export class ProbeRoom extends DurableObject<{ DB: D1Database }> {
  #n = 0;

  override async fetch(request: Request): Promise<Response> {
    const mode = new URL(request.url).searchParams.get("mode") ?? "none";
    if (request.method === "POST") return this.#broadcast(mode, new Uint8Array(await request.arrayBuffer()));
    this.#n++;
    if (mode.startsWith("d1")) await loadRevivalCards(this.env.DB, `probe-${this.#n}`);
    if (mode.endsWith("sql")) {
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, user TEXT)");
      this.ctx.storage.sql.exec("INSERT INTO probe (user) VALUES (?)", `probe-${this.#n}`);
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Fan-out probe: `sql` stores the frame first (as liveroom stores each notification for RESUME). */
  #broadcast(mode: string, bytes: Uint8Array): Response {
    if (mode === "sql") {
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, bytes BLOB)");
      this.ctx.storage.sql.exec("INSERT INTO frames (bytes) VALUES (?)", bytes);
    }
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) ws.send(bytes);
    return Response.json({ sent: sockets.length });
  }
}
