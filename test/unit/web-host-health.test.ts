import { describe, expect, it } from "vitest";
import type { RoomHealthView } from "../../schema/room-health";
import { barRects, duration, healthPanel } from "../../web/src/host/health-view";

const shard = (k: number, over: Partial<RoomHealthView["shards"][number]> = {}) => ({
  shard: k,
  online: 3,
  roomSeq: 7,
  behind: 0,
  fanoutMs: 4,
  outboxBacklog: 0,
  oldestUnsentAgeMs: null,
  unapplied: 0,
  oldestUnappliedAgeMs: null,
  reconnects: 0,
  resumes: 0,
  reconnectsPerSec: 0,
  resumesPerSec: 0,
  ...over,
});

const health: RoomHealthView = {
  activityId: "demo",
  nowMs: 10_000,
  shardCount: 2,
  online: 6,
  questions: [
    {
      question: 0,
      pushedAtMs: 0,
      openMs: 10_500,
      open: false,
      answers: 1200,
      perSec: 114.29,
      peakPerSec: 700,
      lagMs: { p50: 1200, p90: 4500, p99: 9800, max: 10_400 },
      perSecond: [700, 300, 200],
    },
    {
      question: 1,
      pushedAtMs: 20_000,
      openMs: 2_000,
      open: true,
      answers: 5,
      perSec: 2.5,
      peakPerSec: 3,
      lagMs: { p50: 500, p90: 1900, p99: 1900, max: 1900 },
      perSecond: [3, 2],
    },
  ],
  fanout: { lastSocketMs: 12, coordinatorMs: 12, slowestShard: 1, slowestShardMs: 9 },
  settlement: { outboxBacklog: 4, oldestUnsentAgeMs: 12_000, unapplied: 2, oldestUnappliedAgeMs: 3_000 },
  reconnects: 3,
  resumes: 1,
  reconnectsPerSec: 0.05,
  resumesPerSec: 0.02,
  shards: [shard(0), shard(1, { behind: 2, outboxBacklog: 4, oldestUnsentAgeMs: 12_000, reconnects: 3 })],
};

describe("the console's health panel", () => {
  it("shows durations in ms, seconds or minutes", () => {
    expect(duration(null)).toBe("–");
    expect(duration(0)).toBe("0 ms");
    expect(duration(999)).toBe("999 ms");
    expect(duration(12_349)).toBe("12.3 s");
    expect(duration(125_000)).toBe("2 min 5 s");
  });

  it("lists the figures, the questions latest first, the shards, and charts the latest question", () => {
    const v = healthPanel(health);
    expect(v.figures.map((f) => [f.id, f.value, f.warn])).toEqual([
      ["h-fanout", "12 ms", false],
      ["h-backlog", "4", false],
      ["h-unsent", "12.0 s", true],
      ["h-settle", "2 · 3.0 s", false],
      ["h-reconnects", "0.05", false],
      ["h-resumes", "0.02", false],
    ]);
    expect(v.questions).toEqual([
      ["Q2", "5", "2.5", "3", "500 ms", "1.9 s", "1.9 s", "2.0 s (open)"],
      ["Q1", "1,200", "114.29", "700", "1.2 s", "4.5 s", "9.8 s", "10.5 s"],
    ]);
    expect(v.shards[1]).toEqual({
      cells: ["1", "3", "2", "4 ms", "4", "12.0 s", "0", "–", "3", "0"],
      warn: true,
    });
    expect(v.shards[0]!.warn).toBe(false);
    expect(v.chart).toEqual({ title: "Q2: answers per second after the push (peak 3)", bars: [3, 2] });
    expect(healthPanel({ ...health, questions: [] }).chart).toEqual({
      title: "No question pushed yet",
      bars: [],
    });
  });

  it("scales the bars to the tallest, one slot a second", () => {
    expect(barRects([1, 2], 100, 50, 2)).toEqual([
      { x: 0, y: 25, w: 45, h: 25 },
      { x: 50, y: 0, w: 45, h: 50 },
    ]);
    expect(barRects([3, 0], 600, 120)).toEqual([
      { x: 0, y: 0, w: 54, h: 120 },
      { x: 60, y: 120, w: 54, h: 0 },
    ]);
  });
});
