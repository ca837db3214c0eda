/**
 * A refused danmaku or gift, in words; `message` is the room's (slow mode's wait, a mute for the show).
 * @example socialFailure("SLOW_MODE_WAIT", "slow mode: one danmaku per 10 s; wait 6500 ms") // → "Slow mode: wait 7 s."
 */
export function socialFailure(codeName: string, message = ""): string {
  switch (codeName) {
    case "SLOW_MODE_WAIT": {
      const ms = /wait (\d+) ms$/.exec(message);
      return ms ? `Slow mode: wait ${Math.ceil(Number(ms[1]) / 1000)} s.` : "Slow mode: wait a little.";
    }
    case "DANMAKU_EMPTY":
      return "Write something first.";
    case "DANMAKU_TOO_LONG":
      return "That comment is too long.";
    case "DANMAKU_BAD_CHARS":
      return "That comment has characters it can't carry.";
    case "DANMAKU_BLOCKED":
      return "That comment isn't allowed here.";
    case "DANMAKU_RATE_LIMITED":
    case "LIKE_RATE_LIMITED":
      return "Slow down a little.";
    case "MUTED":
      return message.endsWith("the rest of the show")
        ? "The host has muted you for the rest of the show."
        : "The host has muted you for a while.";
    case "INSUFFICIENT_COINS":
      return "Not enough coins for that gift.";
    case "GIFT_NO_HOST":
      return "Gifts are off in this room.";
    case "GIFT_UNKNOWN":
      return "That gift is no longer available.";
    case "GIFT_UNAVAILABLE":
      return "Gifts are busy: try again.";
    default:
      return `Not sent (${codeName}).`;
  }
}
