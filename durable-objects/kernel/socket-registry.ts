// The room's sockets by who they are, kept in memory and rebuilt from their attachments after a
// wake: broadcasts go to authenticated sockets only, the online count is distinct authenticated
// users, and the caps (sockets per user, tokenless sockets per room) read it. Indexed by user and
// by tokenless state, so a connect storm or a prize per winner never scans every socket.
import { type Attachment, WS_OPEN } from "./sockets";

interface Index {
  all: Map<WebSocket, Attachment>;
  byUser: Map<string, Set<WebSocket>>;
  anonymous: Set<WebSocket>;
}

export class SocketRegistry {
  readonly #list: () => WebSocket[];
  #index: Index | null = null;
  /** Authenticated open sockets, as an array for broadcasts; null when it must be rebuilt. */
  #authed: WebSocket[] | null = null;

  /** `list`: the runtime's sockets (`ctx.getWebSockets()`), read once after every wake. */
  constructor(list: () => WebSocket[]) {
    this.#list = list;
  }

  #idx(): Index {
    if (this.#index === null) {
      this.#index = { all: new Map(), byUser: new Map(), anonymous: new Set() };
      for (const ws of this.#list()) {
        if (ws.readyState !== WS_OPEN) continue;
        const att = ws.deserializeAttachment() as Attachment | null;
        if (att !== null) this.#add(this.#index, ws, { ...att, x: att.x ?? 0 });
      }
    }
    return this.#index;
  }

  #add(idx: Index, ws: WebSocket, att: Attachment): void {
    idx.all.set(ws, att);
    if (att.u === null) idx.anonymous.add(ws);
    else {
      const mine = idx.byUser.get(att.u) ?? new Set<WebSocket>();
      mine.add(ws);
      idx.byUser.set(att.u, mine);
    }
  }

  #delete(idx: Index, ws: WebSocket): boolean {
    const att = idx.all.get(ws);
    if (att === undefined) return false;
    idx.all.delete(ws);
    if (att.u === null) idx.anonymous.delete(ws);
    else {
      const mine = idx.byUser.get(att.u);
      mine?.delete(ws);
      if (mine?.size === 0) idx.byUser.delete(att.u);
    }
    return true;
  }

  /** A socket's attachment, from memory (null for a socket already dropped). */
  get(ws: WebSocket): Attachment | null {
    return this.#idx().all.get(ws) ?? null;
  }

  /** Records a new socket or a changed attachment (and stores it on the socket for after a wake). */
  set(ws: WebSocket, att: Attachment): void {
    ws.serializeAttachment(att);
    const idx = this.#idx();
    this.#delete(idx, ws);
    this.#add(idx, ws, att);
    this.#authed = null;
  }

  remove(ws: WebSocket): void {
    if (this.#delete(this.#idx(), ws)) this.#authed = null;
  }

  /** Authenticated sockets: the audience of every notification. */
  authed(): readonly WebSocket[] {
    this.#authed ??= [...this.#idx().byUser.values()].flatMap((s) => [...s]);
    return this.#authed;
  }

  /** One user's sockets, oldest first. */
  ofUser(userId: string): WebSocket[] {
    const idx = this.#idx();
    const mine = [...(idx.byUser.get(userId) ?? [])];
    return mine.sort((a, b) => idx.all.get(a)!.c - idx.all.get(b)!.c);
  }

  /** Distinct authenticated users: the online count (a user with three tabs is one viewer). */
  onlineUsers(): number {
    return this.#idx().byUser.size;
  }

  /** How many sockets wait for their AUTH frame. */
  anonymousCount(): number {
    return this.#idx().anonymous.size;
  }

  /** Sockets still without a token, with when they connected. */
  anonymous(): { ws: WebSocket; connectedMs: number }[] {
    const idx = this.#idx();
    return [...idx.anonymous].map((ws) => ({ ws, connectedMs: idx.all.get(ws)!.c }));
  }

  /** Every socket with its attachment. */
  entries(): [WebSocket, Attachment][] {
    return [...this.#idx().all];
  }
}
