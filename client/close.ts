// The WebSocket close codes the room sends (durable-objects/kernel/sockets.ts CLOSE), by name.

/** Close codes of the room (4000–4999 are the application's own). */
export const CLOSE_CODES = {
  /** No heartbeat for a minute (the client also closes a silent socket with it). */
  HEARTBEAT_TIMEOUT: 4000,
  /** The socket's token expired without a REFRESH. */
  TOKEN_EXPIRED: 4001,
  /** A tokenless socket did not send AUTH within 10 s. */
  AUTH_TIMEOUT: 4003,
  /** The socket kept sending over its frame budget after FRAME_RATE_LIMITED. */
  FRAME_FLOOD: 4008,
  /** The same user opened a newer connection to this room (at most 4 per user; the oldest goes). */
  REPLACED: 4009,
} as const;

/**
 * Why a socket went away, by name: the room's own codes, `"socket-error"` for an error event (no
 * close code) and `"other"` for every other code (1000 normal, 1001 going away, 1006 network lost,
 * 1012 restart…).
 */
export type CloseReason =
  | "heartbeat-timeout"
  | "token-expired"
  | "auth-timeout"
  | "frame-flood"
  | "replaced"
  | "socket-error"
  | "other";

/**
 * The name of a close code.
 *
 * @example
 * closeReason(4009); // "replaced"
 * closeReason(1006); // "other"
 */
export function closeReason(code: number): CloseReason {
  switch (code) {
    case CLOSE_CODES.HEARTBEAT_TIMEOUT:
      return "heartbeat-timeout";
    case CLOSE_CODES.TOKEN_EXPIRED:
      return "token-expired";
    case CLOSE_CODES.AUTH_TIMEOUT:
      return "auth-timeout";
    case CLOSE_CODES.FRAME_FLOOD:
      return "frame-flood";
    case CLOSE_CODES.REPLACED:
      return "replaced";
    default:
      return "other";
  }
}
