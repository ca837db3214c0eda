// What a room keeps about each rain it started, and the decisions that move it: start, grant,
// tap counting, throttle updates, end. Pure: the LiveRoom stores the record and sends the frames.

import type { Phase } from "../quiz/state";
import type { GrabRejectCode } from "./grab";
import { endRain, isRainActive, packetsLeft, type RainRun, type StartRainRejectCode, startRain } from "./run";
import { shouldResend, throttlePpm } from "./throttle";

/** One started rain as the room stores it (one row per rain; the newest is the current one). */
export interface RainRecord {
  run: RainRun;
  startedMs: number;
  streamTsMs: number;
  grantedCents: number;
  grantedPackets: number;
  /** GRAB frames that reached the room for this rain, replays and refusals included. */
  grabs: number;
  /** Taps the token bucket refused (RATE_LIMITED). */
  throttled: number;
  /** The client throttle factor last *sent* (RAIN_STARTED or THROTTLE), for `shouldResend`. */
  throttlePpm: number;
}

/** A rain's settings that the decisions here read (a subset of `RainConfig`). */
export interface RainSettings {
  durationMs: number;
  targetTapsPerSec: number;
  /** Packets in the rain. */
  count: number;
}

/**
 * The room's token bucket for a rain: refilled at the rain's target tap rate, holding one second
 * of it. The client throttle aims at that rate, so the bucket only bites when clients tap more than
 * asked (an old SDK, a script) or the throttle lags behind a surge of viewers.
 *
 * @example bucketLimits({ targetTapsPerSec: 1000 }) // → { capacity: 1000, ratePerSec: 1000 }
 */
export function bucketLimits(rain: { targetTapsPerSec: number }): { capacity: number; ratePerSec: number } {
  const rate = Math.max(1, Math.floor(rain.targetTapsPerSec));
  return { capacity: rate, ratePerSec: rate };
}

/** What starting a rain in a room depends on. */
export interface RainStartInput {
  phase: Phase;
  rain: number;
  rains: readonly RainSettings[];
  /** Rains this activity already started. */
  started: readonly number[];
  /** The newest record, if any. */
  current: RainRecord | null;
  nowMs: number;
  streamTsMs: number;
  /** Sockets in the room now, for the first throttle factor. */
  online: number;
}

/** The result of `decideRainStart`. */
export type RainStartDecision =
  | {
      kind: "started";
      record: RainRecord;
      /** The previous rain, ended now: it ran out of time but its end alarm had not fired yet. */
      ended: RainRecord | null;
    }
  | { kind: "rejected"; code: StartRainRejectCode; message: string };

/**
 * Starts rain `rain`. Checks, in order: the room is open (NOT_ALLOWED_NOW before OPEN: nobody
 * would be watching), then `startRain`'s checks (UNKNOWN_RAIN, RAIN_ALREADY_STARTED,
 * NOT_ALLOWED_NOW while another rain runs). The new record carries the first throttle factor.
 *
 * @example decideRainStart({ phase: "lobby", rain: 0, rains, started: [], current: null, nowMs, streamTsMs: 0, online: 200 })
 * // → { kind: "started", record: { run: { rain: 0, phase: "running", ... }, throttlePpm: 1_000_000, ... }, ended: null }
 */
export function decideRainStart(input: RainStartInput): RainStartDecision {
  if (input.phase === "created") {
    return { kind: "rejected", code: "NOT_ALLOWED_NOW", message: "open the room before starting a rain" };
  }
  const current = input.current;
  const started = startRain({
    rain: input.rain,
    rains: input.rains,
    started: input.started,
    current: current?.run ?? null,
    nowMs: input.nowMs,
  });
  if (started.kind === "rejected") {
    return { kind: "rejected", code: started.code, message: startMessage(started.code, input.rain) };
  }
  const settings = input.rains[input.rain] as RainSettings;
  const record: RainRecord = {
    run: started.run,
    startedMs: input.nowMs,
    streamTsMs: input.streamTsMs,
    grantedCents: 0,
    grantedPackets: 0,
    grabs: 0,
    throttled: 0,
    throttlePpm: throttlePpm({
      online: input.online,
      packetsLeft: packetsLeft(started.run),
      targetTapsPerSec: settings.targetTapsPerSec,
    }),
  };
  const ended = current !== null && current.run.phase === "running" ? endRecord(current) : null;
  return { kind: "started", record, ended };
}

function startMessage(code: StartRainRejectCode, rain: number): string {
  switch (code) {
    case "UNKNOWN_RAIN":
      return `the activity has no rain ${rain}`;
    case "RAIN_ALREADY_STARTED":
      return `rain ${rain} already ran in this activity`;
    case "NOT_ALLOWED_NOW":
      return "another rain is running";
  }
}

/** What a rain counts of its taps and grants: a record's, or one shard's part of them. */
export interface RainTallies {
  grantedCents: number;
  grantedPackets: number;
  grabs: number;
  throttled: number;
}

/**
 * The tallies after a granted grab: the tap and the grant counted (a shard's slice, not the room's
 * run, tells whether the pool is empty: DESIGN §8).
 *
 * @example countGrant(part, 120) // → { grabs: +1, grantedCents: +120, grantedPackets: +1, ... }
 */
export function countGrant<T extends RainTallies>(tallies: T, amountCents: number): T {
  return {
    ...countTap(tallies),
    grantedCents: tallies.grantedCents + amountCents,
    grantedPackets: tallies.grantedPackets + 1,
  };
}

/**
 * The code to answer a refused tap with. `decideGrab` says NO_RAIN for any rain that is not
 * running, but a rain whose pool emptied ended with its last packet, while taps on it were still
 * in flight: those get NONE_LEFT ("all taken"), what the viewer was racing for. A rain that ran out
 * of time with packets left stays NO_RAIN.
 *
 * @example refusalCode("NO_RAIN", emptiedRecord, emptiedRecord.run.rain) // → "NONE_LEFT"
 */
export function refusalCode(code: GrabRejectCode, record: RainRecord | null, rain: number): GrabRejectCode {
  if (code !== "NO_RAIN" || record === null || record.run.rain !== rain) return code;
  return packetsLeft(record.run) === 0 ? "NONE_LEFT" : code;
}

/**
 * The record with one more GRAB frame counted, and one more throttled tap when the bucket refused it.
 *
 * @example countTap(record, "RATE_LIMITED") // → { grabs: +1, throttled: +1, ... }
 */
export function countTap<T extends Pick<RainTallies, "grabs" | "throttled">>(
  record: T,
  refused?: GrabRejectCode,
): T {
  return {
    ...record,
    grabs: record.grabs + 1,
    throttled: record.throttled + (refused === "RATE_LIMITED" ? 1 : 0),
  };
}

/**
 * A THROTTLE worth sending now, or null: only while the rain takes grabs, and only when the factor
 * for the current online count and packets left differs enough from the one last sent
 * (`shouldResend`). The returned record remembers the new factor as sent.
 *
 * @example throttleUpdate(record, { online: 5_000, targetTapsPerSec: 1000, nowMs }) // → { record, ppm: 40_000 } or null
 */
export function throttleUpdate(
  record: RainRecord,
  input: { online: number; targetTapsPerSec: number; nowMs: number },
): { record: RainRecord; ppm: number } | null {
  if (!isRainActive(record.run, input.nowMs)) return null;
  const ppm = throttlePpm({
    online: input.online,
    packetsLeft: packetsLeft(record.run),
    targetTapsPerSec: input.targetTapsPerSec,
  });
  if (!shouldResend(record.throttlePpm, ppm)) return null;
  return { record: { ...record, throttlePpm: ppm }, ppm };
}

/**
 * The record with its run ended (idempotent: an ended record comes back unchanged).
 *
 * @example endRecord(record).run.phase // → "ended"
 */
export function endRecord(record: RainRecord): RainRecord {
  const run = endRain(record.run);
  return run === record.run ? record : { ...record, run };
}
