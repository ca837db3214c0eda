import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { liveroom } from "../../../schema/generated/live.js";
import {
  endRain,
  isRainActive,
  packetsLeft,
  poolSlice,
  type RainRun,
  START_RAIN_CODE,
  startRain,
} from "../../../durable-objects/features/rain/run";

const rains = [
  { durationMs: 20_000, count: 3 },
  { durationMs: 5_000, count: 2 },
];
const run: RainRun = { rain: 0, phase: "running", endsAtMs: 21_000, cursor: 1, end: 3 };

describe("startRain", () => {
  it("maps its codes to schema/live.proto Code", () => {
    expect(START_RAIN_CODE).toEqual({
      NOT_ALLOWED_NOW: liveroom.Code.NOT_ALLOWED_NOW,
      UNKNOWN_RAIN: liveroom.Code.UNKNOWN_RAIN,
      RAIN_ALREADY_STARTED: liveroom.Code.RAIN_ALREADY_STARTED,
    });
  });

  it("starts the rain for its duration over its whole pool", () => {
    expect(startRain({ rain: 1, rains, started: [], current: null, nowMs: 1000 })).toEqual({
      kind: "started",
      run: { rain: 1, phase: "running", endsAtMs: 6000, cursor: 0, end: 2 },
    });
  });

  it("starts over a slice when the room owns one", () => {
    const r = startRain({
      rain: 0,
      rains,
      started: [],
      current: null,
      nowMs: 0,
      slice: { start: 1, end: 2 },
    });
    expect(r).toEqual({
      kind: "started",
      run: { rain: 0, phase: "running", endsAtMs: 20_000, cursor: 1, end: 2 },
    });
  });

  it("UNKNOWN_RAIN, RAIN_ALREADY_STARTED, NOT_ALLOWED_NOW, in that order", () => {
    const base = { rains, started: [0], current: run, nowMs: 2000 };
    for (const rain of [-1, 2, 0.5, Number.NaN]) {
      expect(startRain({ ...base, rain })).toEqual({ kind: "rejected", code: "UNKNOWN_RAIN" });
    }
    expect(startRain({ ...base, rain: 0 })).toEqual({ kind: "rejected", code: "RAIN_ALREADY_STARTED" });
    expect(startRain({ ...base, rain: 1 })).toEqual({ kind: "rejected", code: "NOT_ALLOWED_NOW" });
  });

  it("allows the next rain once the current one is ended or past its end", () => {
    const base = { rain: 1, rains, started: [0] };
    expect(startRain({ ...base, current: endRain(run), nowMs: 2000 }).kind).toBe("started");
    expect(startRain({ ...base, current: run, nowMs: 21_000 }).kind).toBe("started");
  });
});

describe("run helpers", () => {
  it("isRainActive: running and before endsAtMs", () => {
    expect(isRainActive(null, 0)).toBe(false);
    expect(isRainActive(run, 20_999)).toBe(true);
    expect(isRainActive(run, 21_000)).toBe(false);
    expect(isRainActive(endRain(run), 0)).toBe(false);
  });

  it("packetsLeft counts [cursor, end)", () => {
    expect(packetsLeft(run)).toBe(2);
    expect(packetsLeft({ ...run, cursor: 3 })).toBe(0);
  });

  it("endRain is idempotent and does not mutate", () => {
    const ended = endRain(run);
    expect(ended).toEqual({ ...run, phase: "ended" });
    expect(run.phase).toBe("running");
    expect(endRain(ended)).toBe(ended);
  });
});

describe("poolSlice", () => {
  it("splits 10 into 3, 3, 4 … in order", () => {
    expect([0, 1, 2].map((s) => poolSlice(10, 3, s))).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 10 },
    ]);
  });

  it("slices tile [0, count) exactly, sizes differing by at most one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 64 }),
        (count, shards) => {
          const slices = Array.from({ length: shards }, (_, s) => poolSlice(count, shards, s));
          expect(slices[0]!.start).toBe(0);
          expect(slices[shards - 1]!.end).toBe(count);
          for (let s = 1; s < shards; s++) expect(slices[s]!.start).toBe(slices[s - 1]!.end);
          const sizes = slices.map((x) => x.end - x.start);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("throws a RangeError for bad shard arguments", () => {
    expect(() => poolSlice(10, 0, 0)).toThrow(RangeError);
    expect(() => poolSlice(10, 2, 2)).toThrow(RangeError);
    expect(() => poolSlice(-1, 2, 0)).toThrow(RangeError);
  });
});
