import type { CloseReason } from "./close.js";
import type { Outcome, RoomNotification, Welcome } from "./codec.js";

/** The notification of one kind, e.g. `NotificationOf<"question">`. */
export type NotificationOf<K extends RoomNotification["kind"]> = Extract<RoomNotification, { kind: K }>;

export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface ConnectionEvent {
  state: ConnectionState;
  /** Why the previous state ended (close reason, failure code name…). */
  reason?: string;
  /** Reconnect attempt number (1-based) while "reconnecting". */
  attempt?: number;
  /** Delay before that attempt while "reconnecting". */
  delayMs?: number;
  /**
   * Set when the delay was drawn over the room's reconnect window (the socket went down as a deploy
   * takes every socket down): that window, from the Welcome or the default.
   */
  windowMs?: number;
}

/** Emitted when notifications were lost for good: rebuild the view from `welcome`. */
export interface ResyncEvent {
  welcome: Welcome;
  /** The last room sequence delivered before the jump. */
  fromSeq: number;
  /** The new baseline: the snapshot covers everything up to here. */
  toSeq: number;
}

/**
 * A reveal, with `verified`: whether its key and salt open the commitment to the correct option that
 * this client received with the question before the reveal (client/commitment.ts `verifyReveal`).
 * False when the question carried no commitment, or this client never saw the question before it was
 * revealed (a reveal first seen in a snapshot is not emitted here).
 */
export type RevealEvent = NotificationOf<"reveal"> & { verified: boolean };

/** Your own sealed result, unsealed at the reveal of `question`. */
export interface OutcomeEvent {
  question: number;
  /** 1 CORRECT, 2 REVIVED, 3 OUT_WRONG (0 if the seal did not open, which means a room bug). */
  outcome: Outcome;
  correct: number;
}

/**
 * A socket of an established (or handshaking) connection went away, emitted before the `connection`
 * event that follows ("reconnecting" or "closed"). Not emitted for `close()` and `reconnect()`.
 */
export interface DisconnectEvent {
  /** The WebSocket close code (4001, 1006…); 0 for a socket error without one. */
  code: number;
  /** The code by name: "token-expired", "replaced", "frame-flood"… (see `CLOSE_CODES`). */
  reason: CloseReason;
  /** The close frame's reason text, or what the client saw. */
  message: string;
  /** Whether the client reconnects on its own (not after "replaced", nor "token-expired" without `refreshToken`). */
  reconnect: boolean;
}

/**
 * The room refused a frame of this socket as over its frame budget (FRAME_RATE_LIMITED, answered
 * once with type 0 and seq 0). The refused frame and those that follow while over budget are
 * dropped unread: their requests end in TIMEOUT. Slow down; a socket that keeps on is closed (4008).
 */
export interface RateLimitedEvent {
  code: number;
  codeName: string;
  message: string;
}

/** A REFRESH the room accepted: the socket now lives until `expMs` (room clock, ms). */
export interface RefreshedEvent {
  expMs: number;
}

export interface ProtocolErrorEvent {
  reason: string;
  code?: number;
  codeName?: string;
}

/** Everything a `LiveroomClient` emits. Room notifications carry their `roomSeq`. */
export interface ClientEvents {
  connection: ConnectionEvent;
  welcome: Welcome;
  resync: ResyncEvent;
  roomOpened: NotificationOf<"roomOpened">;
  question: NotificationOf<"question">;
  reveal: RevealEvent;
  outcome: OutcomeEvent;
  gameOver: NotificationOf<"gameOver">;
  prize: NotificationOf<"prize">;
  rainStarted: NotificationOf<"rainStarted">;
  rainEnded: NotificationOf<"rainEnded">;
  throttle: NotificationOf<"throttle">;
  /** The danmaku shown in one tick (docs/live-room.md); unnumbered. */
  danmakuTick: NotificationOf<"danmakuTick">;
  /** The room's likes total, once per tick when it moved; unnumbered. */
  likes: NotificationOf<"likes">;
  /** The room's online count over every shard, at most once a second and only when it changed; unnumbered. */
  onlineCount: NotificationOf<"onlineCount">;
  giftShown: NotificationOf<"giftShown">;
  /** A host deleted a shown danmaku: remove it from the screen. */
  danmakuDeleted: NotificationOf<"danmakuDeleted">;
  /** A host opened a poll (docs/live-room.md); vote with `client.vote(pollId, choice)`. */
  pollOpened: NotificationOf<"pollOpened">;
  /** The open poll's totals, at most once per tick when they moved; unnumbered. */
  pollTotals: NotificationOf<"pollTotals">;
  /** The poll closed, by the host or its timer, with its final totals. */
  pollClosed: NotificationOf<"pollClosed">;
  /** A host set slow mode: one danmaku per `seconds` per player (0: off); the welcome has it on joining. */
  slowMode: NotificationOf<"slowMode">;
  /** Every delivered notification, after its typed event, including kinds this SDK does not know. */
  notification: RoomNotification;
  /** A socket went away: the close code by name, and whether the client reconnects. */
  disconnect: DisconnectEvent;
  /** The room said this socket sends too many frames (FRAME_RATE_LIMITED). */
  rateLimited: RateLimitedEvent;
  /** The room accepted a new token for this socket (REFRESH). */
  refreshed: RefreshedEvent;
  /** Frames the client could not use (undecodable bytes, responses to no request), and failed token refreshes. */
  error: ProtocolErrorEvent;
}

/**
 * A small typed event emitter. A throwing handler does not break delivery to the others: its
 * error is rethrown on a fresh microtask, where it shows up as an uncaught error.
 *
 * @example
 * const e = new Emitter<{ ping: number }>();
 * const off = e.on("ping", (n) => console.log(n));
 * e.emit("ping", 1);
 * off();
 */
export class Emitter<M extends object> {
  readonly #handlers = new Map<keyof M, Set<(event: never) => void>>();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof M>(type: K, handler: (event: M[K]) => void): () => void {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    set.add(handler as (event: never) => void);
    return () => this.off(type, handler);
  }

  /** Removes a handler. */
  off<K extends keyof M>(type: K, handler: (event: M[K]) => void): void {
    this.#handlers.get(type)?.delete(handler as (event: never) => void);
  }

  /** Calls every handler of `type`, in subscription order. */
  emit<K extends keyof M>(type: K, event: M[K]): void {
    const set = this.#handlers.get(type);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as (event: M[K]) => void)(event);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /**
   * The next event of `type` that passes `filter`. Rejects after `timeoutMs` (handy in tests).
   *
   * @example
   * const q = await client.next("question", (q) => q.question === 2, 5000);
   */
  next<K extends keyof M>(type: K, filter?: (event: M[K]) => boolean, timeoutMs = 30_000): Promise<M[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no "${String(type)}" event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(type, (event) => {
        if (filter && !filter(event)) return;
        clearTimeout(timer);
        off();
        resolve(event);
      });
    });
  }
}
