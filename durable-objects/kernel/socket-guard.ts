// What a socket may do before any feature sees it (issue 12, docs/security.md): caps on sockets per
// user and on tokenless sockets per room, a deadline to authenticate, a frame budget checked before
// decoding, and closing sockets whose token expired. Every close uses a documented code (CLOSE).
import { failure } from "../protocol/encode";
import type { Clock } from "./clock";
import type { Effect } from "./effects";
import { DEFAULT_FRAME_BUDGET, type FrameBudgetConfig, judgeFrame, type SocketBudget } from "./frame-budget";
import type { SocketRegistry } from "./socket-registry";
import { type Attachment, CLOSE, closeQuietly, isSilent, sendQuietly } from "./sockets";

export const SOCKET_LIMITS = {
  /** Sockets one user may hold in one room (tabs, a reconnect racing its old socket). */
  perUser: 4,
  /** Tokenless sockets waiting for their AUTH frame in one room. */
  pendingAnonymous: 100,
  /** How long a tokenless socket may wait before its AUTH frame. */
  authDeadlineMs: 10_000,
} as const;

/** Task names the guard owns. */
export const AUTH_DEADLINE_TASK = "authDeadline";

export interface GuardPorts {
  sockets: SocketRegistry;
  clock: Clock;
  /** Wall-clock offset of the room's clock (heartbeat times are the runtime's). */
  offsetMs(): number;
  lastHeartbeatMs(ws: WebSocket): number | undefined;
  /** The authenticated audience changed (the online count). */
  changed(): void;
}

export class SocketGuard {
  readonly #p: GuardPorts;
  readonly #budget: FrameBudgetConfig;
  readonly #budgets = new WeakMap<WebSocket, SocketBudget>();
  /** Sockets the room closed: frames still queued from them are dropped unread. */
  readonly #closed = new WeakSet<WebSocket>();

  constructor(ports: GuardPorts, budget: FrameBudgetConfig = DEFAULT_FRAME_BUDGET) {
    this.#p = ports;
    this.#budget = budget;
  }

  /** An upgrade the room refuses before accepting it (429 TOO_MANY_PENDING), or null to accept. */
  refuseUpgrade(user: string | null): Response | null {
    if (user !== null || this.#p.sockets.anonymousCount() < SOCKET_LIMITS.pendingAnonymous) return null;
    return Response.json(
      {
        error: {
          code: "TOO_MANY_PENDING",
          message: "too many sockets waiting to authenticate: retry with a token",
        },
      },
      { status: 429, headers: { "Retry-After": "5" } },
    );
  }

  /** A socket just accepted: record it, keep the user's cap (their oldest goes), start a tokenless one's deadline. */
  accepted(ws: WebSocket, att: Attachment): Effect[] {
    this.#p.sockets.set(ws, att);
    if (att.u === null) {
      return [{ kind: "scheduleOnce", task: AUTH_DEADLINE_TASK, atMs: att.c + SOCKET_LIMITS.authDeadlineMs }];
    }
    this.capUser(att.u);
    this.#p.changed();
    return [];
  }

  /** A socket authenticated on an open connection: the audience changed. */
  changed(): void {
    this.#p.changed();
  }

  /** Closes a user's oldest sockets beyond the cap. */
  capUser(userId: string): void {
    const mine = this.#p.sockets.ofUser(userId);
    for (const old of mine.slice(0, Math.max(0, mine.length - SOCKET_LIMITS.perUser))) {
      this.drop(old, CLOSE.REPLACED, "replaced by a newer connection");
    }
  }

  /**
   * Charges a frame to its socket before it is decoded. Returns the socket's attachment when the
   * frame may be handled; null when it was refused, dropped, or the socket closed.
   */
  admit(ws: WebSocket): Attachment | null {
    if (this.#closed.has(ws)) return null;
    const att = this.#p.sockets.get(ws);
    if (att === null) return null;
    const now = this.#p.clock.now();
    const { budget, verdict } = judgeFrame(this.#budgets.get(ws), att.u !== null, now, this.#budget);
    this.#budgets.set(ws, budget);
    switch (verdict) {
      case "ok":
        break;
      case "refuse":
        sendQuietly(ws, failure(0, 0, "FRAME_RATE_LIMITED", "too many frames: slow down or be disconnected"));
        return null;
      case "drop":
        return null;
      case "close":
        this.drop(ws, CLOSE.FRAME_FLOOD, "frame flood");
        return null;
    }
    if (att.u !== null && att.x !== 0 && att.x <= now) {
      this.drop(ws, CLOSE.TOKEN_EXPIRED, "token expired");
      return null;
    }
    return att;
  }

  /** Closes a socket with a documented code and forgets it at once. */
  drop(ws: WebSocket, code: number, reason: string): void {
    const att = this.#p.sockets.get(ws);
    this.#closed.add(ws);
    closeQuietly(ws, code, reason);
    this.#p.sockets.remove(ws);
    if (att?.u != null) this.#p.changed();
  }

  /** The peer closed (or the socket failed): forget it. */
  gone(ws: WebSocket): void {
    const att = this.#p.sockets.get(ws);
    this.#p.sockets.remove(ws);
    if (att?.u != null) this.#p.changed();
  }

  /** `authDeadline`: closes tokenless sockets past their deadline; again for the next one's. */
  authDeadline(nowMs: number): Effect[] {
    let next: number | null = null;
    for (const { ws, connectedMs } of this.#p.sockets.anonymous()) {
      const due = connectedMs + SOCKET_LIMITS.authDeadlineMs;
      if (due <= nowMs) this.drop(ws, CLOSE.AUTH_TIMEOUT, "send an AUTH frame first");
      else next = next === null ? due : Math.min(next, due);
    }
    return next === null ? [] : [{ kind: "schedule", task: AUTH_DEADLINE_TASK, atMs: next }];
  }

  /** `sweep`: drops silent sockets (a phone that lost its network never sends a close) and expired tokens. */
  sweep(nowMs: number): number {
    for (const [ws, att] of this.#p.sockets.entries()) {
      const beat = this.#p.lastHeartbeatMs(ws);
      const lastBeat = beat === undefined ? 0 : beat + this.#p.offsetMs();
      if (isSilent(att, lastBeat, nowMs)) this.drop(ws, CLOSE.HEARTBEAT_TIMEOUT, "heartbeat timeout");
      else if (att.u !== null && att.x !== 0 && att.x <= nowMs)
        this.drop(ws, CLOSE.TOKEN_EXPIRED, "token expired");
    }
    return this.#p.sockets.entries().length;
  }
}
