// What the room keeps on each hibernatable socket, and the socket calls that must never throw
// (STYLE.md: partyserver's connection.ts and closeQuietly).
import type { Role } from "../schema/auth";

/** What a socket carries across hibernation (≤ 2,048 bytes): who it is and when it connected. */
export interface Attachment {
  u: string | null;
  r: Role | null;
  c: number;
}

/** `WebSocket.readyState` of an open socket. */
export const WS_OPEN = 1;

/** A socket silent (no heartbeat) for this long is dropped by the sweep. */
const DEAD_AFTER_MS = 60_000;

/**
 * Whether the sweep drops a socket: nothing heard from it (heartbeat, or else its connect) for a minute.
 * @example isSilent({ u: null, r: null, c: 0 }, 1_000, 61_001) // → true
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

/** Answers a close frame; close codes the peer may not send (1005, 1006) become 1000. */
export function closeQuietly(ws: WebSocket, code: number, reason = ""): void {
  try {
    ws.close(code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
  } catch {
    // Already closed.
  }
}
