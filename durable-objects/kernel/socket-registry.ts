// The room's sockets by who they are, kept in memory and rebuilt from their attachments after a
// wake: broadcasts go to authenticated sockets only, the online count is distinct authenticated
// users, and the caps (sockets per user, tokenless sockets per room) read it.
import { type Attachment, WS_OPEN } from "./sockets";

export class SocketRegistry {
  readonly #list: () => WebSocket[];
  #all: Map<WebSocket, Attachment> | null = null;
  /** Authenticated open sockets, as an array for broadcasts; null when it must be rebuilt. */
  #authed: WebSocket[] | null = null;
  /** Distinct authenticated users; null when it must be counted again. */
  #online: number | null = null;

  /** `list`: the runtime's sockets (`ctx.getWebSockets()`), read once after every wake. */
  constructor(list: () => WebSocket[]) {
    this.#list = list;
  }

  #map(): Map<WebSocket, Attachment> {
    if (this.#all === null) {
      this.#all = new Map();
      for (const ws of this.#list()) {
        if (ws.readyState !== WS_OPEN) continue;
        const att = ws.deserializeAttachment() as Attachment | null;
        if (att !== null) this.#all.set(ws, { ...att, x: att.x ?? 0 });
      }
    }
    return this.#all;
  }

  /** A socket's attachment, from memory (null for a socket already dropped). */
  get(ws: WebSocket): Attachment | null {
    return this.#map().get(ws) ?? null;
  }

  /** Records a new socket or a changed attachment (and stores it on the socket for after a wake). */
  set(ws: WebSocket, att: Attachment): void {
    ws.serializeAttachment(att);
    this.#map().set(ws, att);
    this.#authed = null;
    this.#online = null;
  }

  remove(ws: WebSocket): void {
    if (this.#map().delete(ws)) {
      this.#authed = null;
      this.#online = null;
    }
  }

  /** Authenticated sockets: the audience of every notification. */
  authed(): readonly WebSocket[] {
    this.#authed ??= [...this.#map()].filter(([, a]) => a.u !== null).map(([ws]) => ws);
    return this.#authed;
  }

  /** One user's sockets, oldest first. */
  ofUser(userId: string): WebSocket[] {
    return [...this.#map()]
      .filter(([, a]) => a.u === userId)
      .sort((a, b) => a[1].c - b[1].c)
      .map(([ws]) => ws);
  }

  /** Distinct authenticated users: the online count (a user with three tabs is one viewer). */
  onlineUsers(): number {
    if (this.#online === null) {
      const users = new Set<string>();
      for (const a of this.#map().values()) if (a.u !== null) users.add(a.u);
      this.#online = users.size;
    }
    return this.#online;
  }

  /** Sockets still without a token, with when they connected. */
  anonymous(): { ws: WebSocket; connectedMs: number }[] {
    return [...this.#map()].filter(([, a]) => a.u === null).map(([ws, a]) => ({ ws, connectedMs: a.c }));
  }

  /** Every socket with its attachment. */
  entries(): [WebSocket, Attachment][] {
    return [...this.#map()];
  }
}
