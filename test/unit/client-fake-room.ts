// Test fixture: an in-memory socket pair and a scripted room speaking the wire protocol.
import type { Connector, SocketLike } from "../../client/index.js";
import { liveroom } from "../../schema/generated/live.js";

type Listener = (event: never) => void;

/** The client's end of an in-memory socket; the room drives the other end. */
export class FakeSocket implements SocketLike {
  readyState = 1;
  /** Everything the client sent: strings (heartbeats) and binary frames. */
  readonly sent: Array<string | Uint8Array> = [];
  readonly closedWith: Array<{ code?: number; reason?: string }> = [];
  readonly #listeners = new Map<string, Listener[]>();

  constructor(readonly onSend: (socket: FakeSocket, data: string | Uint8Array) => void = () => {}) {}

  send(data: string | Uint8Array): void {
    if (this.readyState !== 1) throw new Error("socket not open");
    this.sent.push(data);
    this.onSend(this, data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith.push({ code, reason });
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#fire("close", { code: code ?? 1005, reason: reason ?? "" });
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    const list = this.#listeners.get(type) ?? [];
    list.push(listener);
    this.#listeners.set(type, list);
  }

  /** The room sends `data` (a frame's bytes, a string, a Blob…). */
  receive(data: unknown): void {
    if (this.readyState === 1) this.#fire("message", { data });
  }

  /** The network drops the connection, or the room closes it with `code` and `reason`. */
  drop(code = 1006, reason = ""): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#fire("close", { code, reason });
  }

  /** The connection breaks as a browser reports it: an error event, then a close without a frame (1006). */
  fail(): void {
    if (this.readyState === 3) return;
    this.#fire("error", {});
    this.drop(1006);
  }

  /** The binary frames the client sent, decoded. */
  frames(): liveroom.Frame[] {
    return this.sent
      .filter((d): d is Uint8Array => typeof d !== "string")
      .map((d) => liveroom.Frame.decode(d));
  }

  #fire(type: string, event: object): void {
    for (const l of this.#listeners.get(type) ?? []) (l as (e: object) => void)(event);
  }
}

export function encode(frame: liveroom.Frame.$Properties): Uint8Array {
  return liveroom.Frame.encode(frame).finish();
}

export function okResponse(
  type: number,
  seq: number,
  response: liveroom.Response.$Properties = {},
): Uint8Array {
  return encode({ type, seq, response: { status: liveroom.Status.OK, ...response } });
}

export function failedResponse(type: number, seq: number, code: liveroom.Code, message: string): Uint8Array {
  return encode({ type, seq, response: { status: liveroom.Status.FAILED, code, message } });
}

/** Lets queued microtasks (the fake network, promise chains) run. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * A scripted room: answers AUTH with a Welcome and RESUME by replaying its history, numbers
 * notifications and keeps every socket a client opened. Other requests wait in `inbox` for the
 * test to answer, unless `handle` answers them.
 */
export class FakeRoom {
  readonly sockets: FakeSocket[] = [];
  readonly tokens: string[] = [];
  readonly history: Uint8Array[] = [];
  /** Requests not answered automatically: [socket, frame]. */
  readonly inbox: Array<{ socket: FakeSocket; frame: liveroom.Frame }> = [];
  userId = "u1";
  /** First room_seq still replayable; older ones are "pruned" and RESUME reports a gap. */
  oldestKept = 1;
  welcome: Partial<liveroom.Welcome.$Properties> = {};
  authFailure: liveroom.Code | undefined;
  /** Called for each request not answered automatically; return bytes to answer at once. */
  handle: ((frame: liveroom.Frame) => Uint8Array | undefined) | undefined;
  connectFailures = 0;
  /** The runtime's auto-response to the heartbeat; false simulates a dead path. */
  echoHeartbeats = true;
  /** Runs when AUTH arrives, before the Welcome goes out (e.g. broadcasts that race it). */
  onAuth: ((socket: FakeSocket) => void) | undefined;
  /** Notifications per RESUME answer (`more` when others are left); unlimited when undefined. */
  resumePage: number | undefined;
  /** RESUMEs each socket gets answered; later ones are refused RESUME_LIMITED. */
  resumeBudget = Number.POSITIVE_INFINITY;
  readonly #resumes = new WeakMap<FakeSocket, number>();
  /** The tokens REFRESH frames carried, in order. */
  readonly refreshTokens: string[] = [];
  /** When set, REFRESH is refused with this code; else answered with the token's `exp` in ms. */
  refreshFailure: liveroom.Code | undefined;

  get roomSeq(): number {
    return this.history.length;
  }

  get socket(): FakeSocket {
    return this.sockets[this.sockets.length - 1]!;
  }

  readonly connector: Connector = async (token) => {
    this.tokens.push(token);
    if (this.connectFailures > 0) {
      this.connectFailures--;
      throw new Error("connection refused");
    }
    const socket = new FakeSocket((s, d) => this.#onSend(s, d));
    this.sockets.push(socket);
    return socket;
  };

  /** Numbers a notification, records it and sends it to the live socket (unless `live` is false). */
  notify(
    n: Omit<liveroom.Notification.$Properties, "roomSeq">,
    type: liveroom.Type,
    live = true,
  ): Uint8Array {
    const bytes = encode({ type, notification: { ...n, roomSeq: this.history.length + 1 } });
    this.history.push(bytes);
    if (live) this.later(this.socket, bytes);
    return bytes;
  }

  /** Sends bytes on the next microtask, as a network would. */
  later(socket: FakeSocket, data: unknown): void {
    void Promise.resolve().then(() => socket.receive(data));
  }

  #onSend(socket: FakeSocket, data: string | Uint8Array): void {
    if (typeof data === "string") {
      if (data === "\x08\x01" && this.echoHeartbeats) this.later(socket, data);
      return;
    }
    const frame = liveroom.Frame.decode(data);
    const req = frame.request;
    if (req?.auth) {
      this.onAuth?.(socket);
      this.later(
        socket,
        this.authFailure !== undefined
          ? failedResponse(frame.type, frame.seq, this.authFailure, "token rejected")
          : okResponse(frame.type, frame.seq, {
              welcome: { userId: this.userId, roomSeq: this.roomSeq, serverTimeMs: 1_000, ...this.welcome },
            }),
      );
      return;
    }
    if (req?.resume) {
      const used = (this.#resumes.get(socket) ?? 0) + 1;
      this.#resumes.set(socket, used);
      if (used > this.resumeBudget) {
        this.later(socket, failedResponse(frame.type, frame.seq, liveroom.Code.RESUME_LIMITED, "too many"));
        return;
      }
      const after = req.resume.afterSeq ?? 0;
      const gap = after + 1 < this.oldestKept;
      const from = Math.max(after + 1, this.oldestKept);
      const to = Math.min(this.roomSeq, from - 1 + (this.resumePage ?? this.roomSeq));
      const more = !gap && to < this.roomSeq;
      this.later(
        socket,
        okResponse(frame.type, frame.seq, { resumed: { fromSeq: from, toSeq: to, gap, more } }),
      );
      for (let s = from; s <= to; s++) this.later(socket, this.history[s - 1]);
      return;
    }
    if (req?.refresh) {
      const token = req.refresh.token ?? "";
      this.refreshTokens.push(token);
      const payload = token.split(".")[1] ?? "";
      const exp = payload ? (JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))).exp ?? 0) : 0;
      this.later(
        socket,
        this.refreshFailure !== undefined
          ? failedResponse(frame.type, frame.seq, this.refreshFailure, "token rejected")
          : okResponse(frame.type, frame.seq, { refreshed: { expMs: exp * 1000 } }),
      );
      return;
    }
    const answer = this.handle?.(frame);
    if (answer) this.later(socket, answer);
    else this.inbox.push({ socket, frame });
  }
}
