// Frames the kernel sends: the answer to a request and notifications, encoded once each.
import { liveroom } from "../../schema/proto";
import type { CodeName, NotificationEvent, ResponseResult } from "./effects";

/** Encodes a failed response. */
export function failure(type: number, seq: number, code: CodeName, message: string): Uint8Array {
  return liveroom.Frame.encode({
    type,
    seq,
    response: { status: liveroom.Status.FAILED, code: liveroom.Code[code], message },
  }).finish();
}

/** Encodes a successful response with its result. */
export function success(type: number, seq: number, result: ResponseResult): Uint8Array {
  return liveroom.Frame.encode({ type, seq, response: { status: liveroom.Status.OK, ...result } }).finish();
}

/** Encodes a notification; `roomSeq` 0 for unnumbered ones. */
export function notification(type: number, roomSeq: number, event: NotificationEvent): Uint8Array {
  return liveroom.Frame.encode({ type, notification: { roomSeq, ...event } }).finish();
}
