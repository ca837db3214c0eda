import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DANMAKU_CONFIG, tickCap } from "../../../durable-objects/features/danmaku/config";
import { decideDanmaku } from "../../../durable-objects/features/danmaku/decide";
import { compileFilter } from "../../../durable-objects/features/danmaku/filter";
import { decideDelete, decideMute, MAX_MUTE_MS } from "../../../durable-objects/features/danmaku/moderation";
import type { PlayerBuckets } from "../../../durable-objects/features/danmaku/rate";
import { emptyReservoir, offer, type Reservoir } from "../../../durable-objects/features/danmaku/sampler";
import {
  closeTick,
  type DanmakuCounters,
  nextTickAt,
  ZERO_COUNTERS,
} from "../../../durable-objects/features/danmaku/tick";
import { seededRng } from "../../../durable-objects/features/rain/prng";

describe("closeTick", () => {
  it("shows what was kept, counts the rest as dropped, numbers the tick", () => {
    const t = closeTick(ZERO_COUNTERS, 10, ["a", "b", "c", "d"]);
    expect(t).toEqual({
      counters: { ...ZERO_COUNTERS, shown: 4, dropped: 6, ticks: 1 },
      tick: 1,
      shown: ["a", "b", "c", "d"],
      dropped: 6,
      likes: null,
    });
  });

  it("sends the likes total only when it moved since the last tick", () => {
    const moved = closeTick({ ...ZERO_COUNTERS, likes: 42, likesShown: 30 }, 0, []);
    expect(moved.likes).toEqual({ total: 42, added: 12 });
    expect(moved.counters.likesShown).toBe(42);
    expect(closeTick(moved.counters, 0, []).likes).toBeNull();
  });

  it("refuses to keep more than it saw (a bug)", () => {
    expect(() => closeTick(ZERO_COUNTERS, 1, ["a", "b"])).toThrow(RangeError);
  });

  it("schedules the next tick a full tick after the first arrival", () => {
    expect(nextTickAt(1000, 200)).toBe(1200);
  });
});

/** A busy room in miniature: players send at given times, ticks close every 200 ms. */
function simulate(sends: { userId: string; atMs: number; text: string }[], seed: string) {
  const config = DEFAULT_DANMAKU_CONFIG;
  const k = tickCap(config);
  const rng = seededRng(seed);
  const filter = compileFilter(["spam"]);
  let buckets: PlayerBuckets = new Map();
  let counters: DanmakuCounters = ZERO_COUNTERS;
  let reservoir: Reservoir<number> = emptyReservoir();
  let tickAt: number | null = null;
  const ticks: { atMs: number; shown: number[] }[] = [];
  const close = () => {
    const t = closeTick(
      counters,
      reservoir.seen,
      [...reservoir.slots].sort((a, b) => a - b),
    );
    counters = t.counters;
    if (t.shown.length > 0) ticks.push({ atMs: tickAt!, shown: t.shown });
    reservoir = emptyReservoir();
    tickAt = null;
  };
  sends.forEach((s, id) => {
    if (tickAt !== null && s.atMs >= tickAt) close();
    const d = decideDanmaku({
      userId: s.userId,
      text: s.text,
      phase: "asking",
      mutedUntilMs: null,
      nowMs: s.atMs,
      buckets,
      filter,
      config,
    });
    buckets = d.buckets;
    if (d.kind === "refused") counters = { ...counters, refused: counters.refused + 1 };
    else if (d.kind === "blocked")
      counters = { ...counters, in: counters.in + 1, blocked: counters.blocked + 1 };
    else {
      counters = { ...counters, in: counters.in + 1 };
      reservoir = offer(reservoir, id, k, rng).reservoir;
      tickAt ??= nextTickAt(s.atMs, config.tickMs);
    }
  });
  if (tickAt !== null) close();
  return { counters, ticks };
}

describe("a busy room", () => {
  it("300 players sending 3 each within one second: 20 shown that second, the rest dropped, exactly", () => {
    const sends = [];
    for (let i = 0; i < 900; i++)
      sends.push({
        userId: `u${i % 300}`,
        atMs: Math.floor(i * (1000 / 900)),
        text: i % 100 === 0 ? "spam!" : `hi ${i}`,
      });
    const { counters, ticks } = simulate(sends, "busy");
    expect(counters).toMatchObject({ in: 900, blocked: 9, shown: 20, dropped: 871, refused: 0 });
    expect(ticks.map((t) => t.shown.length)).toEqual([4, 4, 4, 4, 4]);
    expect(counters.in).toBe(counters.shown + counters.dropped + counters.blocked);
  });

  it("in = shown + dropped + blocked, and no second shows more than 20, for any traffic", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            user: fc.integer({ min: 0, max: 20 }),
            gap: fc.integer({ min: 0, max: 120 }),
            spam: fc.boolean(),
          }),
          {
            maxLength: 400,
          },
        ),
        fc.string(),
        (raw, seed) => {
          let t = 0;
          const sends = raw.map((r) => {
            t += r.gap;
            return { userId: `u${r.user}`, atMs: t, text: r.spam ? "sp4m" : "ok" };
          });
          const { counters, ticks } = simulate(sends, seed);
          expect(counters.in + counters.refused).toBe(sends.length);
          expect(counters.in).toBe(counters.shown + counters.dropped + counters.blocked);
          for (const tick of ticks) {
            expect(tick.shown.length).toBeLessThanOrEqual(4);
            const inSecond = ticks.filter((x) => x.atMs >= tick.atMs && x.atMs < tick.atMs + 1000);
            expect(inSecond.reduce((n, x) => n + x.shown.length, 0)).toBeLessThanOrEqual(20);
          }
        },
      ),
    );
  });
});

describe("moderation", () => {
  it("mutes for a duration, lifts with 0, refuses bad requests", () => {
    expect(decideMute({ hostId: "h", userId: "u", durationMs: 60_000, nowMs: 1000 })).toEqual({
      ok: true,
      untilMs: 61_000,
    });
    expect(decideMute({ hostId: "h", userId: "u", durationMs: 0, nowMs: 1000 })).toEqual({
      ok: true,
      untilMs: null,
    });
    for (const bad of [
      { userId: "", durationMs: 1 },
      { userId: "h", durationMs: 1 },
      { userId: "u", durationMs: MAX_MUTE_MS + 1 },
      { userId: "u", durationMs: -1 },
    ]) {
      expect(decideMute({ hostId: "h", nowMs: 0, ...bad })).toMatchObject({
        ok: false,
        code: "MUTE_BAD_REQUEST",
      });
    }
  });

  it("deletes shown danmaku once; unknown ids are refused", () => {
    expect(decideDelete("shown")).toEqual({ kind: "delete" });
    expect(decideDelete("deleted")).toEqual({ kind: "already" });
    expect(decideDelete("unknown")).toEqual({ kind: "unknown" });
  });
});
