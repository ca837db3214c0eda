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

  /** The network drops the connection. */
  drop(code = 1006): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#fire("close", { code, reason: "" });
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
      const after = req.resume.afterSeq ?? 0;
      const gap = after + 1 < this.oldestKept;
      const from = Math.max(after + 1, this.oldestKept);
      this.later(
        socket,
        okResponse(frame.type, frame.seq, { resumed: { fromSeq: from, toSeq: this.roomSeq, gap } }),
      );
      for (let s = from; s <= this.roomSeq; s++) this.later(socket, this.history[s - 1]);
      return;
    }
    const answer = this.handle?.(frame);
    if (answer) this.later(socket, answer);
    else this.inbox.push({ socket, frame });
  }
}
