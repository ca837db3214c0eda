// The client process's sockets and the frame helpers every scenario shares.
import type { RawData, WebSocket } from "ws";
import { liveroom } from "../../schema/proto";

/** Epoch ms with sub-ms precision; comparable across processes on this machine. */
export const now = (): number => performance.timeOrigin + performance.now();

export type FrameHandler = (frame: liveroom.Frame, at: number, bytes: number) => void;

export interface Sock {
  ws: WebSocket;
  /** Position in the `open` command's user list: scenarios address sockets by it. */
  index: number;
  user: string;
  seq: number;
  /** Arrival of the first binary frame since the last `arm`; 0 while none. */
  first: number;
  /** That frame, kept by reference (no copy in the hot path). */
  firstData: RawData | null;
  /** Set by a scenario that needs decoded frames; fan-out leaves it null and decodes nothing. */
  onFrame: FrameHandler | null;
  texts: number;
}

export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Sends one request frame on the socket with its next seq; returns the seq. */
export function sendRequest(s: Sock, type: number, request: liveroom.Request.$Properties): number {
  s.seq += 1;
  s.ws.send(liveroom.Frame.encode({ type, seq: s.seq, request }).finish());
  return s.seq;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `done` every 20 ms until it holds or `timeoutMs` passed; true if it held. */
export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= end) return false;
    await sleep(20);
  }
  return true;
}
