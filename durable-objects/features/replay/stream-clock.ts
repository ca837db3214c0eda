// The room's estimate of the stream position, for events the host does not stamp (danmaku ticks,
// gifts, the end of a rain). The host stamps questions, reveals and rain starts with the position
// it saw; between two stamps the stream advances with the room clock. Pure.

/** The last stream position the host reported and when (room clock). */
export interface StreamAnchor {
  streamTsMs: number;
  atMs: number;
}

/** The largest stream timestamp on the wire (a uint32 of ms: about 49 days). */
export const MAX_STREAM_TS = 0xffff_ffff;

/**
 * The stream position at `nowMs`: the anchor moved on by the time since it was set; 0 with no anchor.
 * @example streamPosition({ streamTsMs: 5000, atMs: 1000 }, 3500) // → 7500
 */
export function streamPosition(anchor: StreamAnchor | null, nowMs: number): number {
  if (anchor === null) return 0;
  const ts = anchor.streamTsMs + Math.max(0, Math.floor(nowMs - anchor.atMs));
  return Math.min(ts, MAX_STREAM_TS);
}

/** How far a sender's own stream position may lag or lead the room's estimate. */
export const SENDER_LAG_MS = 60_000;
export const SENDER_LEAD_MS = 5_000;

/**
 * The stream timestamp of a viewer's danmaku: the position the sender's player was at (viewers are
 * seconds behind the host), kept within a minute behind and 5 s ahead of the room's estimate so that
 * a wrong clock cannot move a danmaku anywhere in the replay. 0 (not given) takes the estimate.
 * @example senderStreamTs(95_000, 100_000) // → 95000
 */
export function senderStreamTs(given: number, estimate: number): number {
  if (given === 0) return estimate;
  const low = Math.max(0, estimate - SENDER_LAG_MS);
  const high = Math.min(MAX_STREAM_TS, estimate + SENDER_LEAD_MS);
  return Math.min(high, Math.max(low, given));
}
