// How the SDK gets a socket. The core only needs `SocketLike`; these helpers adapt the browser
// WebSocket, the `ws` package in Node (passed in by the caller, never imported here) and a
// workerd `fetch` upgrade.

/** WebSocket readyState OPEN, the same in every runtime. */
export const OPEN = 1;

/** The few WebSocket members the client uses. Browser, `ws` and workerd sockets all fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code?: number; reason?: string }) => void): void;
  addEventListener(type: "error", listener: (event: unknown) => void): void;
}

/** A socket before it is open (what a WebSocket constructor returns). */
export interface WebSocketLike extends SocketLike {
  binaryType: string;
  addEventListener(type: "open", listener: (event: unknown) => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code?: number; reason?: string }) => void): void;
  addEventListener(type: "error", listener: (event: unknown) => void): void;
}

/** A WebSocket class: the browser's global `WebSocket` or the `ws` package's `WebSocket`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * Opens a connected socket for a token. Called on every (re)connect, so a refreshed token
 * (`client.setToken`) is used by the next attempt. Rejects with `ConnectError` on failure.
 */
export type Connector = (token: string) => Promise<SocketLike>;

/** A failed connection attempt; `status` is the HTTP status when the upgrade was answered. */
export class ConnectError extends Error {
  override readonly name = "ConnectError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * The WebSocket URL of a room: `<base>/rooms/<activityId>/ws`, with `?token=` when a token is given.
 * An http(s) base becomes ws(s).
 *
 * @example
 * roomUrl("https://live.example.com", "act_1", jwt); // "wss://live.example.com/rooms/act_1/ws?token=…"
 */
export function roomUrl(base: string, activityId: string, token?: string): string {
  const root = base.replace(/\/+$/, "").replace(/^http(s?):/, "ws$1:");
  const url = `${root}/rooms/${encodeURIComponent(activityId)}/ws`;
  return token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`;
}

/** Resolves once `ws` is open; rejects if it errors or closes first, or after `timeoutMs`. */
export function whenOpen(ws: WebSocketLike, timeoutMs = 10_000): Promise<SocketLike> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: ConnectError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        try {
          ws.close();
        } catch {
          // already closing: nothing to release
        }
        reject(err);
      } else resolve(ws);
    };
    const timer = setTimeout(() => settle(new ConnectError("connect timed out")), timeoutMs);
    ws.addEventListener("open", () => settle());
    ws.addEventListener("error", () => settle(new ConnectError("socket error before open")));
    ws.addEventListener("close", (e) => settle(new ConnectError(`closed before open (${e.code ?? 0})`)));
  });
}

export interface WebSocketConnectorOptions {
  /** The WebSocket class; defaults to the global one (browsers, Node ≥ 22, workerd). */
  WebSocket?: WebSocketConstructor;
  /**
   * Send the token as Sec-WebSocket-Protocol `liveroom, <jwt>` instead of `?token=`, which keeps it
   * out of access logs. Default false (query parameter).
   */
  subprotocol?: boolean;
  /** Time allowed for the socket to open. Default 10 000 ms. */
  openTimeoutMs?: number;
}

/**
 * A connector over a standard WebSocket class.
 *
 * @example
 * // browser
 * const client = new LiveroomClient({ token, connector: webSocketConnector(location.origin, "act_1") });
 */
export function webSocketConnector(
  base: string,
  activityId: string,
  opts: WebSocketConnectorOptions = {},
): Connector {
  return async (token) => {
    const Ctor = opts.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new ConnectError("no WebSocket class: pass one in the options");
    const ws = opts.subprotocol
      ? new Ctor(roomUrl(base, activityId), ["liveroom", token])
      : new Ctor(roomUrl(base, activityId, token));
    ws.binaryType = "arraybuffer";
    return whenOpen(ws, opts.openTimeoutMs);
  };
}

/**
 * A connector for browsers, using the global WebSocket; the token goes as the subprotocol
 * (`Sec-WebSocket-Protocol: liveroom, <jwt>`), not in the URL.
 *
 * @example
 * const client = new LiveroomClient({ token, connector: browserConnector("https://live.example.com", "act_1") });
 */
export function browserConnector(base: string, activityId: string): Connector {
  // The token travels as the subprotocol, never in the URL, where proxies and access logs keep it.
  return webSocketConnector(base, activityId, { subprotocol: true });
}

/**
 * A connector for Node with the `ws` package, which the caller imports (the SDK core never does).
 *
 * @example
 * import { WebSocket } from "ws";
 * const client = new LiveroomClient({ token, connector: nodeConnector("http://127.0.0.1:8787", "act_1", WebSocket) });
 */
export function nodeConnector(
  base: string,
  activityId: string,
  WebSocketCtor: WebSocketConstructor,
): Connector {
  return webSocketConnector(base, activityId, { WebSocket: WebSocketCtor });
}

/** What `fetch` returns for a WebSocket upgrade in workerd. */
export interface UpgradeResponse {
  status: number;
  webSocket: (SocketLike & { accept(): void; binaryType?: string }) | null;
  text(): Promise<string>;
}

/** A `fetch`-like function: `globalThis.fetch`, `SELF.fetch`, `exports.default.fetch`, a service binding. */
export type UpgradeFetcher = (
  url: string,
  init: { headers: Record<string, string> },
) => Promise<UpgradeResponse>;

/**
 * A connector for workerd (Workers and the vitest Workers pool): upgrades through `fetch` and
 * accepts the returned socket. A refused upgrade rejects with its HTTP status and body.
 *
 * @example
 * import { exports } from "cloudflare:workers";
 * const connector = fetchConnector("http://x", "act_1", (url, init) => exports.default.fetch(url, init));
 */
export function fetchConnector(base: string, activityId: string, fetcher: UpgradeFetcher): Connector {
  const httpBase = base.replace(/^ws(s?):/, "http$1:");
  return async (token) => {
    const url = roomUrl(httpBase, activityId, token).replace(/^ws(s?):/, "http$1:");
    const res = await fetcher(url, { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket;
    if (res.status !== 101 || !ws) {
      const body = await res.text().catch(() => "");
      throw new ConnectError(`upgrade refused: ${res.status} ${body}`.trim(), res.status);
    }
    // workerd hands binary messages out as Blobs unless told otherwise.
    ws.binaryType = "arraybuffer";
    ws.accept();
    return ws;
  };
}

/**
 * Turns socket `message` events into an ordered stream of `string | Uint8Array`. Handles
 * ArrayBuffer, typed arrays (Node Buffers) and Blobs; a Blob has to be read asynchronously,
 * so later messages wait behind it to keep the room's order.
 */
export function messageReader(deliver: (data: string | Uint8Array) => void): (data: unknown) => void {
  let queue: Promise<void> | undefined;
  let waiting = 0;
  return (data) => {
    const isBlob = typeof Blob !== "undefined" && data instanceof Blob;
    if (!isBlob && waiting === 0) {
      const m = normalize(data);
      if (m !== undefined) deliver(m);
      return;
    }
    waiting++;
    const read = isBlob ? (data as Blob).arrayBuffer() : Promise.resolve(data);
    queue = (queue ?? Promise.resolve()).then(async () => {
      const m = normalize(await read.catch(() => undefined));
      waiting--;
      if (m !== undefined) deliver(m);
    });
  };
}

function normalize(data: unknown): string | Uint8Array | undefined {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // `ws` with binaryType "fragments" or a fragmented message: an array of Buffers.
  if (Array.isArray(data) && data.every((d) => ArrayBuffer.isView(d))) {
    const parts = data as ArrayBufferView[];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
      at += p.byteLength;
    }
    return out;
  }
  return undefined;
}
