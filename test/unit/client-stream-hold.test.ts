import { describe, expect, it } from "vitest";
import { heldDeadline, StreamHold } from "../../client/stream-hold.js";
import { fromStamp, stampDiff, toStamp } from "../../client/stream-time.js";

const T = Date.parse("2026-01-01T20:00:30.000Z"); // a program-date-time on the stream

describe("stream stamps", () => {
  it("are the low 32 bits of the position, never 0", () => {
    expect(toStamp(Date.parse("2026-01-01T20:00:03Z"))).toBe(2_066_044_344);
    expect(toStamp(2 ** 32 * 411)).toBe(1);
    expect(toStamp(2 ** 32 * 411 + 7.9)).toBe(7);
  });

  it("subtract across the wrap, and read back near a position within 24.8 days", () => {
    expect(stampDiff(5, 0xffff_fffe)).toBe(7);
    expect(stampDiff(0xffff_fffe, 5)).toBe(-7);
    expect(stampDiff(toStamp(T + 2 ** 31 - 1), toStamp(T))).toBe(2 ** 31 - 1);
    expect(fromStamp(toStamp(T), T - 5_000)).toBe(T);
    expect(fromStamp(toStamp(T), T + 86_400_000 * 24)).toBe(T);
  });
});

describe("StreamHold", () => {
  const released = (r: { item: string }[]) => r.map((x) => x.item);

  it("holds an item until the player's position reaches its stamp, then releases it once", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 10_000 });
    hold.push("q1", toStamp(T), 1_000);
    expect(hold.release(null, 1_000)).toEqual([]);
    expect(hold.release(T - 1, 3_000)).toEqual([]);
    expect(hold.release(T, 3_250)).toEqual([{ item: "q1", shownAtMs: 3_250, aheadMs: 0, reason: "reached" }]);
    expect(hold.release(T + 100, 3_500)).toEqual([]);
    expect(hold.size).toBe(0);
  });

  it("releases at once, with how far past it is, for a player already ahead of the stamp", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 10_000 });
    hold.push("q1", toStamp(T), 1_000);
    expect(hold.release(T + 1_800, 1_000)).toEqual([
      { item: "q1", shownAtMs: 1_000, aheadMs: 1_800, reason: "reached" },
    ]);
  });

  it("shows an unstamped item on arrival", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 10_000 });
    hold.push("q1", 0, 1_000);
    expect(hold.release(null, 1_000)).toEqual([
      { item: "q1", shownAtMs: 1_000, aheadMs: 0, reason: "unstamped" },
    ]);
  });

  it("takes a hold limit per item", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 60_000 });
    hold.push("q1", toStamp(T), 0, 2_000);
    expect(hold.release(null, 1_999)).toEqual([]);
    expect(hold.release(null, 2_000)).toEqual([
      { item: "q1", shownAtMs: 2_000, aheadMs: 0, reason: "limit" },
    ]);
  });

  it("gives up on a stalled player after maxHoldMs, to the millisecond", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 6_000 });
    hold.push("q1", toStamp(T), 1_000);
    expect(hold.release(T - 4_000, 6_999)).toEqual([]);
    expect(hold.release(T - 4_000, 7_000)).toEqual([
      { item: "q1", shownAtMs: 7_000, aheadMs: 0, reason: "limit" },
    ]);
  });

  it("follows seeking: back before the stamp holds, forward past it releases", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 60_000 });
    hold.push("q1", toStamp(T), 0);
    expect(hold.release(T - 500, 100)).toEqual([]);
    expect(hold.release(T - 30_000, 200)).toEqual([]); // seeked back 30 s
    expect(hold.release(T + 20_000, 300)).toEqual([
      { item: "q1", shownAtMs: 300, aheadMs: 20_000, reason: "reached" },
    ]); // seeked forward past it
  });

  it("keeps the room's order: stamps out of order release everything that came before", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 60_000 });
    hold.push("q1", toStamp(T + 5_000), 0);
    hold.push("reveal", toStamp(T), 100); // the host seeked back before revealing
    const r = hold.release(T, 200);
    expect(released(r)).toEqual(["q1", "reveal"]);
    expect(r[0]!.reason).toBe("follows");
    expect(r[1]!.reason).toBe("reached");
  });

  it("keeps followers behind a held item and lets them out right after it", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 60_000 });
    hold.push("reveal", toStamp(T), 0);
    hold.push("outcome", null, 0);
    hold.push("rainStart", toStamp(T + 4_000), 0);
    hold.push("throttle", null, 0);
    expect(hold.release(T - 1, 10)).toEqual([]);
    expect(released(hold.release(T, 20))).toEqual(["reveal", "outcome"]);
    expect(released(hold.release(T + 3_999, 30))).toEqual([]);
    expect(released(hold.release(T + 4_000, 40))).toEqual(["rainStart", "throttle"]);
    // With nothing held, a follower goes straight through.
    hold.push("gameOver", null, 50);
    expect(hold.release(null, 50)).toEqual([
      { item: "gameOver", shownAtMs: 50, aheadMs: 0, reason: "follows" },
    ]);
  });

  it("releases items due at once in arrival order, and clear() drops what is held", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 60_000 });
    hold.push("a", toStamp(T - 2_000), 0);
    hold.push("b", toStamp(T - 1_000), 0);
    hold.push("c", toStamp(T + 1_000), 0);
    expect(released(hold.release(T, 0))).toEqual(["a", "b"]);
    hold.clear();
    expect(hold.release(T + 5_000, 0)).toEqual([]);
  });

  it("drains everything in order when the page loses its stream", () => {
    const hold = new StreamHold<string>({ maxHoldMs: 60_000 });
    hold.push("q1", toStamp(T + 9_000), 0);
    hold.push("outcome", null, 0);
    expect(hold.drain(500)).toEqual([
      { item: "q1", shownAtMs: 500, aheadMs: 0, reason: "drained" },
      { item: "outcome", shownAtMs: 500, aheadMs: 0, reason: "drained" },
    ]);
    expect(hold.size).toBe(0);
  });
});

describe("heldDeadline", () => {
  const q = { deadlineMs: 116_000, windowMs: 10_000, delayBudgetMs: 6_000 }; // pushed at 100_000

  it("counts from the push when the page showed the question on arrival (no stream)", () => {
    expect(heldDeadline(q, undefined)).toBe(110_000);
  });

  it("counts the window from the show, less how far the player was past the stamp", () => {
    expect(heldDeadline(q, { roomNowMs: 103_000, aheadMs: 0 })).toBe(113_000);
    expect(heldDeadline(q, { roomNowMs: 104_000, aheadMs: 1_500 })).toBe(112_500);
  });

  it("never before the window from the push, nor after the room's deadline", () => {
    // A player far ahead of the stamp (it seeked, or joined a VOD before the host) shows it on arrival.
    expect(heldDeadline(q, { roomNowMs: 100_050, aheadMs: 40_000 })).toBe(110_000);
    // Shown at the hold limit: the room's last moment.
    expect(heldDeadline(q, { roomNowMs: 106_100, aheadMs: 0 })).toBe(116_000);
  });
});
