// The WebSocket close codes the room sends (schema/live.proto CloseCode), by name.
import { liveroom } from "../schema/proto";

/** Close codes of the room: `liveroom.CloseCode` of the protocol (4000–4999 are the application's own). */
export const CLOSE_CODES = liveroom.CloseCode;

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
