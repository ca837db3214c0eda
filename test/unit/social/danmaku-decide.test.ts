import { describe, expect, it } from "vitest";
import {
  DEFAULT_DANMAKU_CONFIG,
  danmakuConfig,
  tickCap,
} from "../../../durable-objects/features/danmaku/config";
import {
  type DanmakuInput,
  decideDanmaku,
  decideLike,
} from "../../../durable-objects/features/danmaku/decide";
import { compileFilter } from "../../../durable-objects/features/danmaku/filter";
import { pruneBuckets, takeFor } from "../../../durable-objects/features/danmaku/rate";

const config = DEFAULT_DANMAKU_CONFIG;
const input = (over: Partial<DanmakuInput> = {}): DanmakuInput => ({
  userId: "alice",
  text: "hello",
  phase: "lobby",
  mutedUntilMs: null,
  nowMs: 10_000,
  buckets: new Map(),
  filter: compileFilter(["spam"]),
  config,
  ...over,
});

describe("danmaku config", () => {
  it("defaults: 60 characters, 130 bytes, burst 3 then 1/s, 200 ms ticks, 20 shown per second", () => {
    expect(config).toEqual({
      maxChars: 60,
      maxBytes: 130,
      burst: 3,
      perSec: 1,
      tickMs: 200,
      showPerSec: 20,
      maxLikesPerFrame: 100,
      likesPerSec: 50,
    });
    expect(tickCap(config)).toBe(4);
    expect(tickCap({ showPerSec: 20, tickMs: 150 })).toBe(3);
    expect(tickCap({ showPerSec: 1, tickMs: 100 })).toBe(1);
  });

  it("takes positive integer overrides from vars and ignores anything else", () => {
    expect(danmakuConfig({ DANMAKU_MAX_CHARS: "40", DANMAKU_TICK_MS: "150" })).toMatchObject({
      maxChars: 40,
      tickMs: 150,
    });
    for (const bad of ["0", "-1", "1.5", "", "abc", "99999999"]) {
      expect(danmakuConfig({ DANMAKU_BURST: bad }).burst).toBe(3);
    }
    expect(danmakuConfig({ DANMAKU_BURST: 5 }).burst).toBe(3);
  });
});

describe("decideDanmaku", () => {
  it("accepts clean text, normalised, using one token", () => {
    const d = decideDanmaku(input({ text: "  hi  there " }));
    expect(d.kind).toBe("accepted");
    if (d.kind !== "accepted") return;
    expect(d.text).toBe("hi there");
    expect(d.buckets.get("alice")?.milliTokens).toBe(2000);
  });

  it("checks in order: ended, muted, text, rate, filter", () => {
    expect(decideDanmaku(input({ phase: "ended", text: "" }))).toMatchObject({ code: "NOT_ALLOWED_NOW" });
    expect(decideDanmaku(input({ mutedUntilMs: 70_000, text: "" }))).toMatchObject({
      code: "MUTED",
      message: "muted by the host for 60 s more",
    });
    expect(decideDanmaku(input({ mutedUntilMs: 10_000 })).kind).toBe("accepted");
    expect(decideDanmaku(input({ text: "\n" }))).toMatchObject({ code: "DANMAKU_BAD_CHARS" });
    expect(decideDanmaku(input({ text: "   " }))).toMatchObject({ code: "DANMAKU_EMPTY" });
    expect(decideDanmaku(input({ text: "x".repeat(61) }))).toMatchObject({ code: "DANMAKU_TOO_LONG" });
    expect(decideDanmaku(input({ text: "sp4m" }))).toMatchObject({ kind: "blocked", word: "spam" });
  });

  it("bad text uses no token; blocked text does", () => {
    let buckets = decideDanmaku(input({ text: "" })).buckets;
    expect(buckets.size).toBe(0);
    buckets = decideDanmaku(input({ text: "spam" })).buckets;
    expect(buckets.get("alice")?.milliTokens).toBe(2000);
  });

  it("a flood: 3 at once, then 1 per second; other players are not affected", () => {
    let buckets = input().buckets;
    const kinds: string[] = [];
    for (const t of [0, 0, 0, 0, 500, 999, 1000, 1000, 2000]) {
      const d = decideDanmaku(input({ buckets, nowMs: t }));
      kinds.push(d.kind === "refused" ? d.code : d.kind);
      buckets = d.buckets;
    }
    expect(kinds).toEqual([
      "accepted",
      "accepted",
      "accepted",
      "DANMAKU_RATE_LIMITED",
      "DANMAKU_RATE_LIMITED",
      "DANMAKU_RATE_LIMITED",
      "accepted",
      "DANMAKU_RATE_LIMITED",
      "accepted",
    ]);
    expect(decideDanmaku(input({ buckets, nowMs: 2000, userId: "bob" })).kind).toBe("accepted");
  });

  it("a frame every 100 ms for 10 s from one player: exactly 3 + 10 accepted", () => {
    let buckets = input().buckets;
    let accepted = 0;
    for (let i = 0; i <= 100; i++) {
      const d = decideDanmaku(input({ buckets, nowMs: i * 100 }));
      if (d.kind === "accepted") accepted++;
      buckets = d.buckets;
    }
    expect(accepted).toBe(13);
  });
});

describe("decideLike", () => {
  const like = (count: number, nowMs = 0, buckets = new Map()) =>
    decideLike({ userId: "alice", count, phase: "asking", nowMs, buckets, config });

  it("takes 1 to 100 likes per frame; 0 counts as 1", () => {
    expect(like(0)).toMatchObject({ kind: "accepted", count: 1 });
    expect(like(100)).toMatchObject({ kind: "accepted", count: 100 });
    expect(like(101)).toMatchObject({ kind: "refused", code: "LIKE_BAD_COUNT" });
  });

  it("holds a player to 50 likes per second after a burst of one full frame", () => {
    const first = like(100, 0);
    expect(first.kind).toBe("accepted");
    expect(like(1, 0, new Map(first.buckets))).toMatchObject({ code: "LIKE_RATE_LIMITED" });
    expect(like(10, 200, new Map(first.buckets))).toMatchObject({ kind: "accepted", count: 10 });
  });

  it("refuses likes once the activity ended", () => {
    expect(
      decideLike({ userId: "a", count: 1, phase: "ended", nowMs: 0, buckets: new Map(), config }),
    ).toMatchObject({
      code: "NOT_ALLOWED_NOW",
    });
  });
});

describe("player buckets", () => {
  it("forgets only buckets that are full again", () => {
    let b = takeFor(new Map(), "a", { capacity: 3, ratePerSec: 1 }, 0).buckets;
    b = takeFor(b, "b", { capacity: 3, ratePerSec: 1 }, 500).buckets;
    expect([...pruneBuckets(b, 999).keys()]).toEqual(["a", "b"]);
    expect([...pruneBuckets(b, 1000).keys()]).toEqual(["b"]);
    expect(pruneBuckets(b, 1500).size).toBe(0);
  });
});
