import { describe, expect, it } from "vitest";
import { replayId } from "../../../durable-objects/features/rain/grab-id";
import { createRateWindow, ratePerSec, recordEvents } from "../../../durable-objects/kernel/rate-window";
import {
  bucketLimits,
  countGrant,
  countTap,
  decideRainStart,
  endRecord,
  type RainRecord,
  type RainStartInput,
  refusalCode,
  throttleUpdate,
} from "../../../durable-objects/features/rain/record";

const RAINS = [
  { durationMs: 20_000, targetTapsPerSec: 1000, count: 3 },
  { durationMs: 5_000, targetTapsPerSec: 10, count: 2 },
];
const startInput = (over: Partial<RainStartInput> = {}): RainStartInput => ({
  phase: "lobby",
  rain: 0,
  rains: RAINS,
  started: [],
  current: null,
  nowMs: 1_000,
  streamTsMs: 77,
  online: 5,
  ...over,
});
const record = (over: Partial<RainRecord> = {}): RainRecord => ({
  run: { rain: 0, phase: "running", endsAtMs: 21_000, cursor: 0, end: 3 },
  startedMs: 1_000,
  streamTsMs: 77,
  grantedCents: 0,
  grantedPackets: 0,
  grabs: 0,
  throttled: 0,
  throttlePpm: 1_000_000,
  ...over,
});

describe("decideRainStart", () => {
  it("starts with the first throttle factor and zero figures", () => {
    expect(decideRainStart(startInput())).toEqual({ kind: "started", record: record(), ended: null });
    // 1,000 sockets × 5 taps/s for 30 wanted (10 per packet left × 3): 6,000 ppm.
    const crowded = decideRainStart(startInput({ online: 1_000 }));
    expect(crowded.kind === "started" && crowded.record.throttlePpm).toBe(6_000);
  });

  it("refuses, in order: room not open, unknown rain, started twice, another rain running", () => {
    const refused = (over: Partial<RainStartInput>) => {
      const d = decideRainStart(startInput(over));
      return d.kind === "rejected" ? d.code : d.kind;
    };
    expect(refused({ phase: "created", rain: 9 })).toBe("NOT_ALLOWED_NOW");
    expect(refused({ rain: 2, started: [2] })).toBe("UNKNOWN_RAIN");
    expect(refused({ rain: -1 })).toBe("UNKNOWN_RAIN");
    expect(refused({ started: [0], current: record() })).toBe("RAIN_ALREADY_STARTED");
    expect(refused({ rain: 1, started: [0], current: record() })).toBe("NOT_ALLOWED_NOW");
    expect(refused({ phase: "ended" })).toBe("started");
  });

  it("ends a previous rain that ran out of time but was never marked ended", () => {
    const stale = record({ grantedCents: 5, grantedPackets: 1 });
    const d = decideRainStart(startInput({ rain: 1, started: [0], current: stale, nowMs: 21_000 }));
    expect(d).toMatchObject({
      kind: "started",
      record: { run: { rain: 1, phase: "running", endsAtMs: 26_000, cursor: 0, end: 2 } },
      ended: { ...stale, run: { ...stale.run, phase: "ended" } },
    });
    const done = decideRainStart(
      startInput({ rain: 1, started: [0], current: endRecord(stale), nowMs: 21_000 }),
    );
    expect(done.kind === "started" && done.ended).toBeNull();
  });
});

describe("countGrant, countTap, refusalCode, endRecord", () => {
  it("counts the grant and its tap exactly, and nothing else", () => {
    expect(countGrant(record(), 5)).toEqual(record({ grantedCents: 5, grantedPackets: 1, grabs: 1 }));
    const part = { grantedCents: 8, grantedPackets: 2, grabs: 7, throttled: 3, tail: true };
    expect(countGrant(part, 2)).toEqual({
      grantedCents: 10,
      grantedPackets: 3,
      grabs: 8,
      throttled: 3,
      tail: true,
    });
  });

  it("counts every tap, and the bucket's refusals as throttled", () => {
    expect(countTap(record())).toMatchObject({ grabs: 1, throttled: 0 });
    expect(countTap(record({ grabs: 4 }), "RATE_LIMITED")).toMatchObject({ grabs: 5, throttled: 1 });
    expect(countTap(record(), "CAP_REACHED")).toMatchObject({ grabs: 1, throttled: 0 });
  });

  it("answers NONE_LEFT for taps on the rain whose pool emptied, NO_RAIN otherwise", () => {
    const emptied = record({ run: { rain: 0, phase: "ended", endsAtMs: 21_000, cursor: 3, end: 3 } });
    const timedOut = record({ run: { rain: 0, phase: "ended", endsAtMs: 21_000, cursor: 1, end: 3 } });
    expect(refusalCode("NO_RAIN", emptied, 0)).toBe("NONE_LEFT");
    expect(refusalCode("NO_RAIN", emptied, 1)).toBe("NO_RAIN");
    expect(refusalCode("NO_RAIN", timedOut, 0)).toBe("NO_RAIN");
    expect(refusalCode("NO_RAIN", null, 0)).toBe("NO_RAIN");
    expect(refusalCode("CAP_REACHED", emptied, 0)).toBe("CAP_REACHED");
  });

  it("ends a record once", () => {
    const ended = endRecord(record());
    expect(ended.run.phase).toBe("ended");
    expect(endRecord(ended)).toBe(ended);
  });
});

describe("throttleUpdate", () => {
  const input = { online: 1_000, targetTapsPerSec: 1000, nowMs: 2_000 };
  it("sends only a change of 25 % or more against the factor last sent", () => {
    // 1,000 sockets × 5 = 5,000 offered for 30 wanted (3 packets left): 6,000 ppm.
    expect(throttleUpdate(record(), input)).toEqual({ record: record({ throttlePpm: 6_000 }), ppm: 6_000 });
    expect(throttleUpdate(record({ throttlePpm: 6_000 }), input)).toBeNull();
    // 1,100 sockets: 5,454 ppm, a 10 % move: not sent.
    expect(throttleUpdate(record({ throttlePpm: 6_000 }), { ...input, online: 1_100 })).toBeNull();
    // 1,250 sockets: 4,800 ppm, exactly 25 %: sent.
    expect(throttleUpdate(record({ throttlePpm: 6_000 }), { ...input, online: 1_250 })?.ppm).toBe(4_800);
  });

  it("never after the rain stopped taking grabs", () => {
    expect(throttleUpdate(record(), { ...input, nowMs: 21_000 })).toBeNull();
    expect(throttleUpdate(endRecord(record()), input)).toBeNull();
  });
});

describe("bucketLimits", () => {
  it("refills at the target rate and holds one second of it", () => {
    expect(bucketLimits({ targetTapsPerSec: 1000 })).toEqual({ capacity: 1000, ratePerSec: 1000 });
    expect(bucketLimits({ targetTapsPerSec: 1 })).toEqual({ capacity: 1, ratePerSec: 1 });
  });
});

describe("replayId", () => {
  it("keeps grab ids and seqs apart", () => {
    expect(replayId("k3.12", 40)).toBe("g:k3.12");
    expect(replayId("", 40)).toBe("s:40");
    expect(replayId("40", 40)).not.toBe(replayId("", 40));
  });
});

describe("rate window", () => {
  it("averages the current second and the four before it", () => {
    let w = createRateWindow(5);
    w = recordEvents(w, 10_000, 20);
    w = recordEvents(w, 10_999, 5);
    w = recordEvents(w, 12_500, 25);
    expect(ratePerSec(w, 12_900)).toBe(10); // 50 events / 5 s
    expect(ratePerSec(w, 14_999)).toBe(10);
    expect(ratePerSec(w, 15_000)).toBe(5); // second 10 left the window
    expect(ratePerSec(w, 17_000)).toBe(0);
    expect(ratePerSec(w, 60_000)).toBe(0);
  });

  it("counts events from a clock that went back into the newest second", () => {
    let w = recordEvents(createRateWindow(2), 5_000, 4);
    w = recordEvents(w, 4_000, 2);
    expect(w.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(ratePerSec(w, 5_500)).toBe(3);
  });

  it("rejects a window of no seconds", () => {
    expect(() => createRateWindow(0)).toThrow(RangeError);
  });
});
