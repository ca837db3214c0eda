import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { senderStreamTs, streamPosition } from "../../../durable-objects/features/replay/stream-clock";
import {
  chunkTimeline,
  danmakuFrames,
  mergeTimeline,
  nextAnchor,
  type ShownDanmaku,
  timelineEntry,
} from "../../../durable-objects/features/replay/timeline";
import { liveroom } from "../../../schema/proto";
import type { TimelineEvent } from "../../../schema/replay";

const T = liveroom.Type;

describe("stream clock", () => {
  it("moves on with the room clock from the host's last stamp; 0 before any", () => {
    expect(streamPosition(null, 5000)).toBe(0);
    expect(streamPosition({ streamTsMs: 5000, atMs: 1000 }, 3500)).toBe(7500);
    expect(streamPosition({ streamTsMs: 5000, atMs: 1000 }, 500)).toBe(5000);
    expect(streamPosition({ streamTsMs: 0xffff_fff0, atMs: 0 }, 1000)).toBe(0xffff_ffff);
  });

  it("keeps a sender's position within 60 s behind and 5 s ahead of the estimate", () => {
    expect(senderStreamTs(0, 100_000)).toBe(100_000);
    expect(senderStreamTs(95_000, 100_000)).toBe(95_000);
    expect(senderStreamTs(1, 100_000)).toBe(40_000);
    expect(senderStreamTs(200_000, 100_000)).toBe(105_000);
    fc.assert(
      fc.property(fc.nat(0xffff_ffff), fc.nat(0xffff_ffff), (given, est) => {
        const ts = senderStreamTs(given, est);
        expect(ts).toBeGreaterThanOrEqual(0);
        expect(ts).toBeLessThanOrEqual(0xffff_ffff);
      }),
    );
  });

  it("anchors on host stamps, starts at 0 when the room opens", () => {
    const opened = nextAnchor(null, T.ROOM_OPENED, { roomOpened: { title: "x" } }, 1000);
    expect(opened).toEqual({ streamTsMs: 0, atMs: 1000 });
    const q = nextAnchor(opened, T.QUESTION, { question: { question: 0, streamTsMs: 60_000 } }, 2000);
    expect(q).toEqual({ streamTsMs: 60_000, atMs: 2000 });
    expect(nextAnchor(q, T.ANSWER_REVEALED, { reveal: { question: 0, streamTsMs: 0 } }, 3000)).toBe(q);
    expect(nextAnchor(q, T.ROOM_OPENED, { roomOpened: {} }, 3000)).toBe(q);
    expect(nextAnchor(q, T.THROTTLE, { throttle: {} }, 3000)).toBe(q);
  });
});

describe("timeline entries", () => {
  const anchor = { streamTsMs: 10_000, atMs: 1000 };

  it("keeps what a replay shows, stamped by the host or by the stream clock", () => {
    expect(
      timelineEntry(
        T.QUESTION,
        { question: { question: 1, text: "2+2?", options: ["3", "4"], streamTsMs: 12_000 } },
        anchor,
        2000,
      ),
    ).toEqual({
      kind: "question",
      streamTsMs: 12_000,
      atMs: 2000,
      question: 1,
      text: "2+2?",
      options: ["3", "4"],
    });
    expect(
      timelineEntry(T.RAIN_ENDED, { rainEnded: { rain: 0, packetsLeft: 3, grantedCents: 97 } }, anchor, 4000),
    ).toEqual({
      kind: "rain_ended",
      streamTsMs: 13_000,
      atMs: 4000,
      rain: 0,
      packetsLeft: 3,
      grantedCents: 97,
    });
    expect(
      timelineEntry(
        T.GIFT_SHOWN,
        {
          giftShown: { userId: "a", giftId: "rose", giftName: "Rose", quantity: 2, coins: 20, streamTsMs: 0 },
        },
        anchor,
        1500,
      ),
    ).toEqual({
      kind: "gift",
      streamTsMs: 10_500,
      atMs: 1500,
      userId: "a",
      giftId: "rose",
      giftName: "Rose",
      quantity: 2,
      coins: 20,
    });
  });

  it("leaves out throttle updates and prizes", () => {
    expect(timelineEntry(T.THROTTLE, { throttle: { rain: 0 } }, anchor, 0)).toBeNull();
    expect(timelineEntry(T.PRIZE, { prize: { cents: 5 } }, anchor, 0)).toBeNull();
  });
});

const shown = (id: number, tick: number, deleted = false): ShownDanmaku => ({
  id,
  userId: `u${id}`,
  text: `t${id}`,
  streamTsMs: 1000 * tick - 50,
  tick,
  tickStreamTsMs: 1000 * tick,
  tickAtMs: 5000 + tick,
  deleted,
});

describe("danmaku frames", () => {
  it("one frame per tick, in id order, without deleted danmaku or emptied ticks", () => {
    const frames = danmakuFrames([shown(3, 2), shown(1, 1), shown(2, 1, true), shown(4, 3, true)]);
    expect(frames).toEqual([
      {
        kind: "danmaku",
        streamTsMs: 1000,
        atMs: 5001,
        tick: 1,
        items: [{ id: 1, userId: "u1", text: "t1", streamTsMs: 950 }],
      },
      {
        kind: "danmaku",
        streamTsMs: 2000,
        atMs: 5002,
        tick: 2,
        items: [{ id: 3, userId: "u3", text: "t3", streamTsMs: 1950 }],
      },
    ]);
  });
});

describe("merge and chunks", () => {
  const ev = (streamTsMs: number, atMs: number): TimelineEvent => ({
    kind: "opened",
    streamTsMs,
    atMs,
    title: `${streamTsMs}/${atMs}`,
  });

  it("orders by stream timestamp, then by time", () => {
    const merged = mergeTimeline([ev(20, 1), ev(10, 5)], [ev(10, 2), ev(0, 9)]);
    expect(merged.map((e) => [e.streamTsMs, e.atMs])).toEqual([
      [0, 9],
      [10, 2],
      [10, 5],
      [20, 1],
    ]);
  });

  it("cuts chunks by count and size, keeping every event once and in order", () => {
    const events = Array.from({ length: 11 }, (_, i) => ev(i * 100, i));
    const chunks = chunkTimeline(events, 4, 1_000_000);
    expect(chunks.map((c) => [c.idx, c.fromTsMs, c.toTsMs, c.events.length])).toEqual([
      [0, 0, 300, 4],
      [1, 400, 700, 4],
      [2, 800, 1000, 3],
    ]);
    expect(chunkTimeline([], 4, 100)).toEqual([]);
    const oneEach = chunkTimeline(events.slice(0, 3), 100, 10);
    expect(oneEach.map((c) => c.events.length)).toEqual([1, 1, 1]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 10, max: 600 }),
        (n, max, bytes) => {
          const evs = Array.from({ length: n }, (_, i) => ev(i, i));
          const cs = chunkTimeline(evs, max, bytes);
          expect(cs.flatMap((c) => c.events)).toEqual(evs);
          cs.forEach((c, i) => {
            expect(c.idx).toBe(i);
            expect(c.events.length).toBeLessThanOrEqual(max);
          });
        },
      ),
    );
  });
});
