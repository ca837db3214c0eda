// What the host console stamps an operation with: the position of the picture the operator sees, or
// one they type. Pure, so the parsing is unit-tested without a page.
import { toStamp } from "../../../client/stream-time";

export type StampInput = { ok: true; stamp: number } | { ok: false; message: string };

const DAY_MS = 86_400_000;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/**
 * Reads a typed stream position: a stamp as the HTTP API takes it (`streamTsMs`, an integer
 * 0–4294967295; 0 is "unstamped", shown on arrival), or a UTC time of day `HH:MM:SS[.mmm]` on the
 * stream's program-date-time clock, taken on the day that puts it nearest `nearMs` (the picture's
 * position, or now).
 * @example parseStamp("20:00:31.250", Date.parse("2026-01-01T20:00:40Z")) // { ok: true, stamp: toStamp(…T20:00:31.250Z) }
 */
export function parseStamp(text: string, nearMs: number): StampInput {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n <= 0xffff_ffff
      ? { ok: true, stamp: n }
      : { ok: false, message: "a stamp is at most 4294967295" };
  }
  const m = TIME_OF_DAY.exec(t);
  if (m === null) return { ok: false, message: "type a time of day (20:00:31.250, UTC) or a stamp in ms" };
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || min > 59 || s > 59) return { ok: false, message: "not a time of day" };
  const ofDay = ((h * 60 + min) * 60 + s) * 1000 + Number((m[4] ?? "0").padEnd(3, "0"));
  const day = Math.floor(nearMs / DAY_MS) * DAY_MS;
  const candidates = [day - DAY_MS, day, day + DAY_MS].map((d) => d + ofDay);
  const nearest = candidates.reduce((a, b) => (Math.abs(b - nearMs) < Math.abs(a - nearMs) ? b : a));
  return { ok: true, stamp: toStamp(nearest) };
}

/**
 * A position on the stream's clock as the console shows it: the UTC time of day to the millisecond.
 * @example formatPosition(Date.parse("2026-01-01T20:00:31.250Z")) // "20:00:31.250"
 */
export function formatPosition(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}
