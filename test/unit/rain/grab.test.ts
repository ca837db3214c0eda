import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { liveroom } from "../../../schema/generated/live.js";
import { seededRng } from "../../../durable-objects/features/rain/prng";
import {
  decideGrab,
  GRAB_CODE,
  type GrabInput,
  type PlayerGrabState,
} from "../../../durable-objects/features/rain/grab";
import { poolSlice, type RainRun, startRain } from "../../../durable-objects/features/rain/run";
import { rainPackets } from "../../../durable-objects/features/rain/packets";
import { shuffleInPlace } from "../../../durable-objects/features/rain/split";
import { createBucket, type TokenBucket, take } from "../../../durable-objects/kernel/token-bucket";

const PACKETS = [5, 1, 3, 1];
const running: RainRun = { rain: 1, phase: "running", endsAtMs: 10_000, cursor: 0, end: PACKETS.length };
const input = (over: Partial<GrabInput> = {}): GrabInput => ({
  rain: 1,
  nowMs: 1000,
  run: running,
  packets: PACKETS,
  player: { grabbed: 0 },
  cap: 3,
  bucket: createBucket({ capacity: 10, ratePerSec: 10 }, 0),
  ...over,
});
const empty: TokenBucket = { capacity: 10, ratePerSec: 10, milliTokens: 0, lastRefillMs: 1000 };

describe("decideGrab", () => {
  it("maps its codes to schema/live.proto Code", () => {
    expect(GRAB_CODE).toEqual({
      NO_RAIN: liveroom.Code.NO_RAIN,
      NONE_LEFT: liveroom.Code.NONE_LEFT,
      CAP_REACHED: liveroom.Code.CAP_REACHED,
      RATE_LIMITED: liveroom.Code.RATE_LIMITED,
    });
    expect(GRAB_CODE).toEqual({ NO_RAIN: 300, NONE_LEFT: 301, CAP_REACHED: 302, RATE_LIMITED: 303 });
  });

  it("grants the packet under the cursor and returns every new state", () => {
    const bucket = createBucket({ capacity: 10, ratePerSec: 10 }, 0);
    expect(decideGrab(input({ bucket, player: { grabbed: 2 } }))).toEqual({
      kind: "granted",
      rain: 1,
      packetIndex: 0,
      amountCents: 5,
      run: { ...running, cursor: 1 },
      player: { grabbed: 3 },
      bucket: { ...bucket, milliTokens: 9000, lastRefillMs: 1000 },
    });
    const second = decideGrab(input({ run: { ...running, cursor: 3 } }));
    expect(second).toMatchObject({ kind: "granted", packetIndex: 3, amountCents: 1, run: { cursor: 4 } });
  });

  it("NO_RAIN: before any rain, after it ended, at endsAtMs, or naming another rain", () => {
    const noRain = { kind: "rejected", code: "NO_RAIN" };
    expect(decideGrab(input({ run: null }))).toEqual(noRain);
    expect(decideGrab(input({ run: { ...running, phase: "ended" } }))).toEqual(noRain);
    expect(decideGrab(input({ nowMs: 10_000 }))).toEqual(noRain);
    expect(decideGrab(input({ nowMs: 9_999 })).kind).toBe("granted");
    expect(decideGrab(input({ rain: 0 }))).toEqual(noRain);
  });

  it("NONE_LEFT when the cursor reached the end", () => {
    expect(decideGrab(input({ run: { ...running, cursor: 4 } }))).toEqual({
      kind: "rejected",
      code: "NONE_LEFT",
    });
  });

  it("CAP_REACHED when the player holds cap packets", () => {
    expect(decideGrab(input({ player: { grabbed: 3 } }))).toEqual({ kind: "rejected", code: "CAP_REACHED" });
    expect(decideGrab(input({ cap: 0 }))).toEqual({ kind: "rejected", code: "CAP_REACHED" });
  });

  it("RATE_LIMITED when the bucket has no token", () => {
    expect(decideGrab(input({ bucket: empty }))).toEqual({ kind: "rejected", code: "RATE_LIMITED" });
    // 100 ms at 10/s refills one token.
    expect(decideGrab(input({ bucket: empty, nowMs: 1100 })).kind).toBe("granted");
  });

  it("checks in order NO_RAIN, NONE_LEFT, CAP_REACHED, RATE_LIMITED", () => {
    const allBad = { run: { ...running, cursor: 4 }, player: { grabbed: 3 }, bucket: empty };
    expect(decideGrab(input({ ...allBad, nowMs: 10_000 }))).toMatchObject({ code: "NO_RAIN" });
    expect(decideGrab(input(allBad))).toMatchObject({ code: "NONE_LEFT" });
    expect(decideGrab(input({ ...allBad, run: running }))).toMatchObject({ code: "CAP_REACHED" });
    expect(decideGrab(input({ ...allBad, run: running, player: { grabbed: 0 } }))).toMatchObject({
      code: "RATE_LIMITED",
    });
  });

  it("does not mutate its input", () => {
    const frozen = Object.freeze(
      input({ run: Object.freeze({ ...running }), player: Object.freeze({ grabbed: 0 }) }),
    );
    decideGrab(frozen);
    expect(frozen.run).toEqual(running);
    expect(frozen.player).toEqual({ grabbed: 0 });
  });

  it("throws when the cursor points outside the packets (a bug)", () => {
    expect(() => decideGrab(input({ run: { ...running, end: 9, cursor: 4 } }))).toThrow(Error);
  });

  it("random taps by many players: each packet once, in order, never past the pool, the cap or the end", () => {
    const tap = fc.record({ player: fc.nat(29), dtMs: fc.integer({ min: 0, max: 300 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 4 }),
        fc.record({
          capacity: fc.integer({ min: 1, max: 20 }),
          ratePerSec: fc.integer({ min: 1, max: 100 }),
        }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.array(tap, { maxLength: 400 }),
        (count, playerCount, cap, limits, durationMs, taps) => {
          const packets = rainPackets({ totalCents: count * 7, count, seed: `sim-${count}` });
          const started = startRain({
            rain: 0,
            rains: [{ durationMs, count }],
            started: [],
            current: null,
            nowMs: 0,
          });
          if (started.kind !== "started") throw new Error("start refused");
          let run = started.run;
          let bucket = createBucket(limits, 0);
          const players = new Map<number, PlayerGrabState>();
          const granted: number[] = [];
          let grantedCents = 0;
          let now = 0;
          for (const t of taps) {
            now += t.dtMs;
            const id = t.player % playerCount;
            const player = players.get(id) ?? { grabbed: 0 };
            const r = decideGrab({ rain: 0, nowMs: now, run, packets, player, cap, bucket });
            // The code is the first failing check, exactly.
            const expected =
              now >= run.endsAtMs
                ? "NO_RAIN"
                : run.cursor === run.end
                  ? "NONE_LEFT"
                  : player.grabbed >= cap
                    ? "CAP_REACHED"
                    : take(bucket, now).ok
                      ? "granted"
                      : "RATE_LIMITED";
            expect(r.kind === "granted" ? "granted" : r.code).toBe(expected);
            if (r.kind === "granted") {
              expect(r.packetIndex).toBe(granted.length);
              expect(r.amountCents).toBe(packets[r.packetIndex]);
              granted.push(r.packetIndex);
              grantedCents += r.amountCents;
              run = r.run;
              bucket = r.bucket;
              players.set(id, r.player);
            }
          }
          expect(granted.length).toBeLessThanOrEqual(count);
          expect(new Set(granted).size).toBe(granted.length);
          expect(grantedCents).toBe(packets.slice(0, granted.length).reduce((a, b) => a + b, 0));
          for (const p of players.values()) expect(p.grabbed).toBeLessThanOrEqual(cap);
          expect([...players.values()].reduce((a, p) => a + p.grabbed, 0)).toBe(granted.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("enough taps drain exactly min(pool, players × cap) packets, each to one player", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.string(),
        (count, playerCount, cap, seed) => {
          const packets = rainPackets({ totalCents: count * 3, count, seed });
          const run0: RainRun = { rain: 0, phase: "running", endsAtMs: 1e9, cursor: 0, end: count };
          // Every player taps cap + 2 times, in a random interleaving; the bucket never runs dry.
          const order = shuffleInPlace(
            Array.from({ length: playerCount * (cap + 2) }, (_, i) => i % playerCount),
            seededRng(seed),
          );
          let run = run0;
          let bucket = createBucket({ capacity: order.length, ratePerSec: 1 }, 0);
          const grabbed = new Array<number>(playerCount).fill(0);
          let grants = 0;
          for (const id of order) {
            const r = decideGrab({
              rain: 0,
              nowMs: 1,
              run,
              packets,
              player: { grabbed: grabbed[id]! },
              cap,
              bucket,
            });
            if (r.kind !== "granted") continue;
            run = r.run;
            bucket = r.bucket;
            grabbed[id] = r.player.grabbed;
            grants++;
          }
          expect(grants).toBe(Math.min(count, playerCount * cap));
          expect(run.cursor).toBe(grants);
          expect(grabbed.every((g) => g <= cap)).toBe(true);
        },
      ),
    );
  });

  it("shards over pool slices grant every packet exactly once between them", () => {
    const packets = rainPackets({ totalCents: 10_000, count: 101, seed: "sharded" });
    const shards = 4;
    const granted: number[] = [];
    for (let s = 0; s < shards; s++) {
      const slice = poolSlice(packets.length, shards, s);
      let run: RainRun = { rain: 0, phase: "running", endsAtMs: 1e9, cursor: slice.start, end: slice.end };
      let bucket = createBucket({ capacity: 1000, ratePerSec: 1 }, 0);
      // 60 players hash to each shard, cap 1: more than any slice holds.
      for (let p = 0; p < 60; p++) {
        const r = decideGrab({ rain: 0, nowMs: 1, run, packets, player: { grabbed: 0 }, cap: 1, bucket });
        if (r.kind === "granted") {
          granted.push(r.packetIndex);
          run = r.run;
          bucket = r.bucket;
        }
      }
    }
    expect([...granted].sort((a, b) => a - b)).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });
});
