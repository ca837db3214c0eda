// What the room keeps on each hibernatable socket, and the socket calls that must never throw
// (STYLE.md: partyserver's connection.ts and closeQuietly).
import type { Role } from "../../schema/auth";
import { liveroom } from "../../schema/proto";

/**
 * What a socket carries across hibernation (kept tiny: it is read back after every wake): who it is,
 * when it connected, and when its token expires (ms; 0 before AUTH).
 */
export interface Attachment {
  u: string | null;
  r: Role | null;
  c: number;
  x: number;
}

/**
 * Close codes the room sends: `liveroom.CloseCode` in schema/live.proto, which the SDK reads too.
 * @example closeQuietly(ws, CLOSE.FRAME_FLOOD, "frame flood")
 */
export const CLOSE = liveroom.CloseCode;

/** `WebSocket.readyState` of an open socket. */
export const WS_OPEN = 1;

/** How often the `sweep` task looks for silent sockets while any are connected. */
export const SWEEP_EVERY_MS = 60_000;

/** A socket silent (no heartbeat) for this long is dropped by the sweep. */
const DEAD_AFTER_MS = 60_000;

/**
 * Whether the sweep drops a socket: nothing heard from it (heartbeat, or else its connect) for a minute.
 * @example isSilent({ u: null, r: null, c: 0, x: 0 }, 1_000, 61_001) // → true
 */
export function isSilent(att: Attachment | null, lastBeatMs: number, nowMs: number): boolean {
  return nowMs - Math.max(lastBeatMs, att?.c ?? 0) > DEAD_AFTER_MS;
}

/** Sends to one socket; a socket that is closing is skipped, its close handler cleans up. */
export function sendQuietly(ws: WebSocket, bytes: Uint8Array | string): void {
  try {
    ws.send(bytes);
  } catch {
    // The socket is closing; its close handler cleans up.
  }
}

/**
 * The code to answer a peer's close with, or null when there is nobody to answer. 1006 (transport
 * dropped) and 1015 (TLS) mean no Close frame came and the transport is gone: writing one then fails
 * asynchronously where no try/catch sees it (partyserver skips them for the same reason). 1005 means
 * the peer's Close frame had no status: the peer is there and waits for our Close (a browser's
 * `ws.close()` stays CLOSING until it comes), but 1005 may not be sent, so it is answered with 1000.
 * @example replyCloseCode(1005) // → 1000
 */
export function replyCloseCode(code: number): number | null {
  if (code === 1006 || code === 1015) return null;
  return code === 1005 ? 1000 : code;
}

/** Closes a socket, or answers a peer's Close frame; never throws, never sends a reserved code. */
export function closeQuietly(ws: WebSocket, code: number, reason = ""): void {
  const reply = replyCloseCode(code);
  if (reply === null) return;
  try {
    ws.close(reply, reason);
  } catch {
    // Already closed.
  }
}
