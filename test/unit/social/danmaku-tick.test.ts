import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DANMAKU_CONFIG, poolCap } from "../../../durable-objects/features/danmaku/config";
import { decideDanmaku } from "../../../durable-objects/features/danmaku/decide";
import { compileFilter } from "../../../durable-objects/features/danmaku/filter";
import { mergeSamples } from "../../../durable-objects/features/danmaku/merge";
import { decideDelete, decideMute, MAX_MUTE_MS } from "../../../durable-objects/features/danmaku/moderation";
import type { PlayerBuckets } from "../../../durable-objects/features/danmaku/rate";
import { emptyReservoir, offer, type Reservoir } from "../../../durable-objects/features/danmaku/sampler";
import {
  closeTick,
  type DanmakuCounters,
  danmakuId,
  forwardDue,
  keepRecent,
  type RecentTick,
  type ShardCounters,
  tickDue,
  tickShowCap,
  ZERO_COUNTERS,
  ZERO_SHARD_COUNTERS,
} from "../../../durable-objects/features/danmaku/tick";
import { seededRng } from "../../../durable-objects/features/rain/prng";

const item = (id: number, atMs: number) => ({ id, atMs });

describe("closeTick", () => {
  it("shows the cap that arrived first, in arrival order, and keeps the rest waiting", () => {
    const pool = [item(5, 30), item(2, 10), item(9, 10), item(1, 40), item(3, 20), item(4, 50)];
    const t = closeTick(ZERO_COUNTERS, pool, 4);
    expect(t).toEqual({
      counters: { ...ZERO_COUNTERS, shown: 4, ticks: 1 },
      tick: 1,
      shown: [item(2, 10), item(9, 10), item(3, 20), item(5, 30)],
      waiting: [item(1, 40), item(4, 50)],
      likes: null,
    });
  });

  it("sends the likes total only when it moved since the last tick", () => {
    const moved = closeTick({ ...ZERO_COUNTERS, likes: 42, likesShown: 30 }, [], 4);
    expect(moved.likes).toEqual({ total: 42, added: 12 });
    expect(moved.counters.likesShown).toBe(42);
    expect(closeTick(moved.counters, [], 4).likes).toBeNull();
  });
});

describe("the cadence", () => {
  it("a tick is due a tick after the last one that sent something, or now after a quiet spell", () => {
    expect(tickDue(null, 1000, 200)).toBe(1000);
    expect(tickDue(1000, 1050, 200)).toBe(1200);
    expect(tickDue(1000, 1200, 200)).toBe(1200);
    expect(tickDue(1000, 1500, 200)).toBe(1500);
  });

  it("a shard forwards on the cadence while busy (at once if the last ran late), a full tick after a quiet spell", () => {
    expect(forwardDue(null, 1000, 200)).toBe(1200);
    expect(forwardDue(1000, 1050, 200)).toBe(1200);
    expect(forwardDue(1000, 1200, 200)).toBe(1200);
    expect(forwardDue(1000, 1300, 200)).toBe(1300);
    expect(forwardDue(1000, 1400, 200)).toBe(1600);
    expect(forwardDue(1000, 1500, 200)).toBe(1700);
  });

  it("ids: each shard numbers its own and no two shards meet", () => {
    expect([1, 2, 3].map((l) => danmakuId(l, 0, 1))).toEqual([1, 2, 3]);
    expect([1, 2].flatMap((l) => [0, 1, 2, 3].map((k) => danmakuId(l, k, 4)))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 128 }), (n) => {
        const ids = new Set<number>();
        for (let k = 0; k < n; k++) for (let l = 1; l <= 20; l++) ids.add(danmakuId(l, k, n));
        expect(ids.size).toBe(20 * n);
      }),
    );
  });
});

describe("mergeSamples", () => {
  it("keeps everything when the parts hold no more than k, and drops nothing", () => {
    const m = mergeSamples(
      [
        { seen: 2, items: ["a", "b"] },
        { seen: 3, items: ["c", "d", "e"] },
      ],
      8,
      seededRng("m"),
    );
    expect([...m.kept].sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(m.dropped).toBe(0);
  });

  it("keeps k and drops the rest of everything seen, exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.string(),
        (seens, k, seed) => {
          const parts = seens.map((seen, p) => ({
            seen,
            items: Array.from({ length: Math.min(seen, k) }, (_, i) => `${p}.${i}`),
          }));
          const m = mergeSamples(parts, k, seededRng(seed));
          const total = seens.reduce((n, x) => n + x, 0);
          expect(m.kept).toHaveLength(Math.min(k, total));
          expect(new Set(m.kept).size).toBe(m.kept.length);
          expect(m.dropped).toBe(total - m.kept.length);
        },
      ),
    );
  });

  it("is uniform over everything seen: a part's share of the kept follows its share of the seen", () => {
    // 10 seen in part A (4 sampled), 30 in part B (4 sampled), k = 4: A's items are kept 1/4 of the time.
    const rng = seededRng("uniform");
    let fromA = 0;
    const runs = 20_000;
    for (let r = 0; r < runs; r++) {
      const m = mergeSamples(
        [
          { seen: 10, items: ["a0", "a1", "a2", "a3"] },
          { seen: 30, items: ["b0", "b1", "b2", "b3"] },
        ],
        4,
        rng,
      );
      fromA += m.kept.filter((x) => x.startsWith("a")).length;
    }
    // Expected 4 × 10/40 = 1 per run; 20,000 runs put the mean within ±0.02 of it.
    expect(Math.abs(fromA / runs - 1)).toBeLessThan(0.02);
  });

  it("refuses a part sampled shorter than it must be (a bug)", () => {
    expect(() => mergeSamples([{ seen: 5, items: ["a"] }], 4, seededRng("x"))).toThrow(RangeError);
  });
});

interface Send {
  userId: string;
  atMs: number;
  text: string;
  shard: number;
}

/**
 * A room in miniature, the feature's rules without storage: each shard decides its players'
 * danmaku and forwards a sampled batch on its cadence; the coordinator merges them into the pool and
 * ticks on its own. Batches reach the coordinator `delayMs` after their forward is due.
 */
function simulate(
  sends: readonly Send[],
  shards: number,
  seed: string,
  delayMs = 0,
  jitterMs: (forward: number) => number = () => 0,
) {
  const config = DEFAULT_DANMAKU_CONFIG;
  let recent: RecentTick[] = [];
  let forwardCount = 0;
  const keep = poolCap(config);
  const tickMs = config.tickMs;
  const rng = seededRng(seed);
  const filter = compileFilter(["spam"]);
  const sh = Array.from({ length: shards }, () => ({
    buckets: new Map() as PlayerBuckets,
    counters: ZERO_SHARD_COUNTERS as ShardCounters,
    reservoir: emptyReservoir<{ id: number; atMs: number }>() as Reservoir<{ id: number; atMs: number }>,
    forwardAt: null as number | null,
    lastForward: null as number | null,
    next: 1,
  }));
  let counters: DanmakuCounters = ZERO_COUNTERS;
  let pool: { id: number; atMs: number }[] = [];
  let tickAt: number | null = null;
  let lastTick: number | null = null;
  const ticks: { dueMs: number; shown: number }[] = [];
  const arrivals: { atMs: number; seen: number; items: { id: number; atMs: number }[] }[] = [];
  const tick = (now: number) => {
    if (tickAt === null || now < tickAt) return;
    const due = tickAt;
    if (pool.length === 0) {
      tickAt = null;
      return;
    }
    const t = closeTick(counters, pool, tickShowCap(recent, due, config));
    recent = keepRecent([...recent, { atMs: due, shown: t.shown.length }], due);
    counters = t.counters;
    ticks.push({ dueMs: due, shown: t.shown.length });
    pool = t.waiting;
    lastTick = due;
    tickAt = pool.length > 0 ? tickDue(due, now, tickMs) : null;
  };
  const accept = (now: number, seen: number, items: { id: number; atMs: number }[]) => {
    const m = mergeSamples(
      [
        { seen: pool.length, items: pool },
        { seen, items },
      ],
      keep,
      rng,
    );
    pool = m.kept;
    counters = { ...counters, dropped: counters.dropped + m.dropped };
    if (tickAt === null) tickAt = tickDue(lastTick, now, tickMs);
    tick(now);
  };
  /** Everything due up to `now`, in time order: forwards, their arrivals, ticks. */
  const runUntil = (now: number) => {
    for (;;) {
      const forwards = sh.filter((s) => s.forwardAt !== null && s.forwardAt <= now);
      const nextForward = Math.min(...forwards.map((s) => s.forwardAt!));
      const nextArrival = Math.min(...arrivals.filter((a) => a.atMs <= now).map((a) => a.atMs));
      const nextTick = tickAt !== null && tickAt <= now ? tickAt : Number.POSITIVE_INFINITY;
      const at = Math.min(nextForward, nextArrival, nextTick);
      if (at === Number.POSITIVE_INFINITY) return;
      if (at === nextTick) tick(at);
      else if (at === nextArrival) {
        const a = arrivals.splice(
          arrivals.findIndex((x) => x.atMs === at),
          1,
        )[0]!;
        accept(at, a.seen, a.items);
      } else {
        const s = forwards.find((x) => x.forwardAt === at)!;
        arrivals.push({
          atMs: at + delayMs + jitterMs(forwardCount++),
          seen: s.reservoir.seen,
          items: [...s.reservoir.slots],
        });
        s.lastForward = at;
        s.forwardAt = null;
        s.reservoir = emptyReservoir();
      }
    }
  };
  for (const send of sends) {
    runUntil(send.atMs);
    const s = sh[send.shard]!;
    const d = decideDanmaku({
      userId: send.userId,
      text: send.text,
      phase: "asking",
      mutedUntilMs: null,
      nowMs: send.atMs,
      buckets: s.buckets,
      filter,
      config,
    });
    s.buckets = d.buckets;
    const c = s.counters;
    if (d.kind === "refused") s.counters = { ...c, refused: c.refused + 1 };
    else if (d.kind === "blocked") s.counters = { ...c, in: c.in + 1, blocked: c.blocked + 1 };
    else {
      s.counters = { ...c, in: c.in + 1 };
      const id = danmakuId(s.next++, send.shard, shards);
      s.reservoir = offer(s.reservoir, { id, atMs: send.atMs }, keep, rng).reservoir;
      s.forwardAt ??= forwardDue(s.lastForward, send.atMs, tickMs);
    }
  }
  runUntil(Number.MAX_SAFE_INTEGER);
  const total = (k: keyof ShardCounters) => sh.reduce((n, s) => n + s.counters[k], 0);
  return { counters, ticks, in: total("in"), blocked: total("blocked"), refused: total("refused") };
}

describe("a room in miniature", () => {
  it("300 players sending 3 each within one second: 4 a tick shown, the rest dropped, exactly", () => {
    const sends: Send[] = [];
    for (let i = 0; i < 900; i++) {
      const userId = `u${i % 300}`;
      sends.push({
        userId,
        atMs: Math.floor(i * (1000 / 900)),
        text: i % 100 === 0 ? "spam!" : `hi ${i}`,
        shard: (i % 300) % 4,
      });
    }
    const r = simulate(sends, 4, "busy");
    expect({ in: r.in, blocked: r.blocked, refused: r.refused }).toEqual({ in: 900, blocked: 9, refused: 0 });
    expect(r.in).toBe(r.counters.shown + r.counters.dropped + r.blocked);
    for (const t of r.ticks) expect(t.shown).toBeLessThanOrEqual(4);
    // The forwards of the last arrivals come a tick later; what waits in the pool after them (a
    // second's worth, 20) is shown, 4 a tick: the ticks end within 1.2 s + 1 s of the first send.
    expect(r.counters.shown).toBe(r.ticks.reduce((n, t) => n + t.shown, 0));
    expect(r.counters.shown).toBeLessThanOrEqual(4 * Math.ceil(2400 / 200));
  });

  it("20 a second, evenly sent, on 1 or 4 shards: every one shown, 4 a tick", () => {
    for (const shards of [1, 4]) {
      const sends: Send[] = [];
      // 40 senders, one every 2 s each, 10 s: 200 danmaku, 20 a second.
      for (let i = 0; i < 200; i++)
        sends.push({ userId: `u${i % 40}`, atMs: i * 50, text: `d${i}`, shard: (i % 40) % shards });
      const r = simulate(sends, shards, `even-${shards}`, 7);
      expect(r.counters.dropped).toBe(0);
      expect(r.counters.shown).toBe(200);
      for (const t of r.ticks) expect(t.shown).toBeLessThanOrEqual(4);
    }
  });

  it("20 a second whose forwards arrive unevenly (0–150 ms late): every one shown, owed slots made up", () => {
    const sends: Send[] = [];
    for (let i = 0; i < 200; i++)
      sends.push({ userId: `u${i % 40}`, atMs: i * 50, text: `d${i}`, shard: (i % 40) % 4 });
    const jitter = (k: number) => [0, 150, 40, 120, 10, 90][k % 6]!;
    const r = simulate(sends, 4, "uneven", 0, jitter);
    expect(r.counters.dropped).toBe(0);
    expect(r.counters.shown).toBe(200);
    // Some tick found its pool short and a later one made the slot up.
    expect(r.ticks.some((t) => t.shown < 4)).toBe(true);
    expect(r.ticks.some((t) => t.shown > 4)).toBe(true);
  });

  it("in = shown + dropped + blocked, ≤ 8 a tick, due times ≥ 200 ms apart, ≤ 20 a second, for any traffic", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            user: fc.integer({ min: 0, max: 20 }),
            gap: fc.integer({ min: 0, max: 120 }),
            spam: fc.boolean(),
          }),
          { maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 300 }),
        fc.string(),
        (raw, shards, delayMs, seed) => {
          let t = 0;
          const sends = raw.map((r) => {
            t += r.gap;
            return { userId: `u${r.user}`, atMs: t, text: r.spam ? "sp4m" : "ok", shard: r.user % shards };
          });
          const r = simulate(sends, shards, seed, delayMs);
          expect(r.in + r.refused).toBe(sends.length);
          expect(r.in).toBe(r.counters.shown + r.counters.dropped + r.blocked);
          for (const [i, tick] of r.ticks.entries()) {
            expect(tick.shown).toBeLessThanOrEqual(8);
            if (i > 0) expect(tick.dueMs - r.ticks[i - 1]!.dueMs).toBeGreaterThanOrEqual(200);
            const inSecond = r.ticks.filter((x) => x.dueMs >= tick.dueMs && x.dueMs < tick.dueMs + 1000);
            expect(inSecond.reduce((n, x) => n + x.shown, 0)).toBeLessThanOrEqual(20);
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

describe("tickShowCap", () => {
  const config = { showPerSec: 20, tickMs: 200 };
  it("4 after a quiet second, 4 when every recent tick showed 4", () => {
    expect(tickShowCap([], 5000, config)).toBe(4);
    expect(tickShowCap([{ atMs: 3900, shown: 4 }], 5000, config)).toBe(4);
    const full = [4200, 4400, 4600, 4800].map((atMs) => ({ atMs, shown: 4 }));
    expect(tickShowCap(full, 5000, config)).toBe(4);
  });
  it("makes up the slots a recent tick left unused, at most the pool (8) and 20 in a second", () => {
    expect(tickShowCap([{ atMs: 4800, shown: 3 }], 5000, config)).toBe(5);
    expect(tickShowCap([{ atMs: 4800, shown: 0 }], 5000, config)).toBe(8);
    const short = [4200, 4400, 4600, 4800].map((atMs) => ({ atMs, shown: 1 }));
    expect(tickShowCap(short, 5000, config)).toBe(8);
    const heavy = [
      { atMs: 4100, shown: 8 },
      { atMs: 4300, shown: 8 },
    ];
    // Earned since 3900: 22, shown 16: 6 owed, but the second already holds 16 of its 20.
    expect(tickShowCap(heavy, 5000, config)).toBe(4);
    expect(
      // Earned since 3801: 23, shown 12: 11 owed; the second holds 12 of its 20, the pool 8.
      tickShowCap(
        [
          { atMs: 4001, shown: 8 },
          { atMs: 4600, shown: 0 },
          { atMs: 4800, shown: 4 },
        ],
        5000,
        config,
      ),
    ).toBe(8);
  });
  it("a cadence slipped to 250 ms: 19 a second instead of 16 (7, 4, 4, 4 a second, not 4 a tick)", () => {
    let recent = [4250, 4500, 4750].map((atMs) => ({ atMs, shown: 4 }));
    // Earned since 4050: 19, shown 12.
    expect(tickShowCap(recent, 5000, config)).toBe(7);
    let shown = 0;
    for (let due = 5000; due < 10_000; due += 250) {
      const n = tickShowCap(recent, due, config);
      shown += n;
      recent = keepRecent([...recent, { atMs: due, shown: n }], due);
    }
    // 20 ticks of 4 would be 80 in these 5 s.
    expect(shown).toBe(95);
  });

  it("keepRecent keeps the last second's ticks", () => {
    const ticks = [3999, 4000, 4001, 5000].map((atMs) => ({ atMs, shown: 1 }));
    expect(keepRecent(ticks, 5000).map((t) => t.atMs)).toEqual([4001, 5000]);
  });
});
