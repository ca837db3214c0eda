// Positions on the stream's own clock, as the wire carries them. The clock is the stream's
// EXT-X-PROGRAM-DATE-TIME (epoch ms of the picture on screen), the same for every viewer of a live
// stream whichever CDN edge or segment they joined at. The protocol's `stream_ts_ms` fields are
// uint32, so a position travels as its low 32 bits ("a stamp") and is read back near a full position
// of the same clock: exact while the two are within 24.8 days of each other (docs/protocol.md).

/** 2^32: the stamps' range. */
const RANGE = 0x1_0000_0000;
const HALF = 0x8000_0000;

/**
 * The stamp of a stream position (integer epoch ms, or media-timeline ms for a stream without
 * program-date-time): its low 32 bits, never 0, which the protocol reserves for "unstamped" (a
 * position whose low bits are 0 is stamped 1 ms later, once every 49.7 days).
 * @example toStamp(Date.parse("2026-01-01T20:00:03Z")) // 2066044344
 */
export function toStamp(positionMs: number): number {
  const low = ((Math.floor(positionMs) % RANGE) + RANGE) % RANGE;
  return low === 0 ? 1 : low;
}

/**
 * a − b for two stamps, in ms: exact while the positions they stand for are less than 2^31 ms
 * (24.8 days) apart, whichever way the low 32 bits wrapped between them.
 * @example stampDiff(5, 0xffff_fffe) // 7
 */
export function stampDiff(a: number, b: number): number {
  const d = (((a - b) % RANGE) + RANGE) % RANGE;
  return d >= HALF ? d - RANGE : d;
}

/**
 * The full position a stamp stands for: the one nearest `nearMs`, a full position on the same clock
 * (e.g. where the player is now).
 * @example fromStamp(toStamp(t), t - 5_000) === t
 */
export function fromStamp(stamp: number, nearMs: number): number {
  return Math.floor(nearMs) + stampDiff(stamp, toStamp(nearMs));
}
