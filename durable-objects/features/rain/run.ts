// A running rain's pool: the rain's packets (derived from its seed, `rainPackets`), consumed in order
// through a cursor.
//
// Sharding: the pool is the index range [cursor, end) of the rain's packet list, nothing else, so a
// room split into shards by player hash gives each shard a contiguous slice (`poolSlice`) and its
// own RainRun over it; player state (grabbed, the cap) is keyed by player and so lives in the one
// shard that owns the player. A coordinator only sums packets left across shards (and may move
// unclaimed tail ranges between shards); grant keys stay unique because they name the packet index.

/** The state of the rain a room is running, or ran last. */
export interface RainRun {
  /** Index of the rain in `ActivityConfig.rains`. */
  rain: number;
  phase: "running" | "ended";
  /** Room clock (ms) at which the rain stops taking grabs: a tap at or after it gets NO_RAIN. */
  endsAtMs: number;
  /** Index of the next packet to grant. */
  cursor: number;
  /** One past the last packet index this pool owns (the packet count in an unsharded room). */
  end: number;
}

/** The start/stop failures of a rain, as `schema/live.proto` `Code` values. */
export const START_RAIN_CODE = {
  NOT_ALLOWED_NOW: 200,
  UNKNOWN_RAIN: 304,
  RAIN_ALREADY_STARTED: 305,
} as const;

/** A name in `START_RAIN_CODE`. */
export type StartRainRejectCode = keyof typeof START_RAIN_CODE;

/** What starting a rain depends on. */
export interface StartRainInput {
  /** The rain the operator asked for (index in the activity's rains). */
  rain: number;
  /** The activity's rains: their durations and packet counts. */
  rains: readonly { durationMs: number; count: number }[];
  /** Rains already started in this activity (each runs once). */
  started: readonly number[];
  /** The current or last run, if any. */
  current: RainRun | null;
  nowMs: number;
  /** The slice of the pool this room owns; the whole pool when omitted. */
  slice?: PoolSlice;
}

/** The result of `startRain`. */
export type StartRainResult =
  | { kind: "started"; run: RainRun }
  | { kind: "rejected"; code: StartRainRejectCode };

/** A contiguous range [start, end) of a rain's packet indexes. */
export interface PoolSlice {
  start: number;
  end: number;
}

/**
 * Whether `run` takes grabs at `nowMs`: running and before its end (the room clock decides).
 *
 * @example isRainActive({ rain: 0, phase: "running", endsAtMs: 5000, cursor: 0, end: 10 }, 4999) // → true
 */
export function isRainActive(run: RainRun | null, nowMs: number): run is RainRun {
  return run !== null && run.phase === "running" && nowMs < run.endsAtMs;
}

/**
 * Packets still in the pool.
 *
 * @example packetsLeft({ rain: 0, phase: "running", endsAtMs: 5000, cursor: 3, end: 10 }) // → 7
 */
export function packetsLeft(run: RainRun): number {
  return Math.max(0, run.end - run.cursor);
}

/**
 * Starts rain `rain` at `nowMs`, for its `durationMs`. Checks, in order: the rain exists
 * (UNKNOWN_RAIN), it never ran in this activity (RAIN_ALREADY_STARTED), no other rain is active
 * (NOT_ALLOWED_NOW).
 *
 * @example startRain({ rain: 0, rains: activity.rains, started: [], current: null, nowMs })
 * // → { kind: "started", run: { rain: 0, phase: "running", endsAtMs: nowMs + durationMs, cursor: 0, end: count } }
 */
export function startRain(input: StartRainInput): StartRainResult {
  const config = Number.isInteger(input.rain) ? input.rains[input.rain] : undefined;
  if (config === undefined) return { kind: "rejected", code: "UNKNOWN_RAIN" };
  if (input.started.includes(input.rain)) return { kind: "rejected", code: "RAIN_ALREADY_STARTED" };
  if (isRainActive(input.current, input.nowMs)) return { kind: "rejected", code: "NOT_ALLOWED_NOW" };
  const slice = input.slice ?? { start: 0, end: config.count };
  return {
    kind: "started",
    run: {
      rain: input.rain,
      phase: "running",
      endsAtMs: input.nowMs + config.durationMs,
      cursor: slice.start,
      end: slice.end,
    },
  };
}

/**
 * The run, ended: at its `endsAtMs` (the alarm) or when its pool is empty. Idempotent.
 *
 * @example endRain(run).phase // → "ended"
 */
export function endRain(run: RainRun): RainRun {
  return run.phase === "ended" ? run : { ...run, phase: "ended" };
}

/**
 * Shard `shard` of `shards`' slice of a pool of `count` packets: contiguous, the slices in shard
 * order covering [0, count) exactly once, sizes differing by at most one.
 * Throws a RangeError for shards < 1 or shard outside [0, shards).
 *
 * @example poolSlice(10, 3, 1) // → { start: 3, end: 6 }
 */
export function poolSlice(count: number, shards: number, shard: number): PoolSlice {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`poolSlice: bad count ${count}`);
  if (!Number.isSafeInteger(shards) || shards < 1) throw new RangeError(`poolSlice: bad shards ${shards}`);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) {
    throw new RangeError(`poolSlice: bad shard ${shard}`);
  }
  return { start: Math.floor((count * shard) / shards), end: Math.floor((count * (shard + 1)) / shards) };
}
