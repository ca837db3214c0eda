import { describe, expect, it } from "vitest";
import { DEFAULT_DANMAKU_CONFIG } from "../../../durable-objects/features/danmaku/config";
import { type DanmakuInput, decideDanmaku } from "../../../durable-objects/features/danmaku/decide";
import { compileFilter } from "../../../durable-objects/features/danmaku/filter";
import {
  decideMute,
  decideShadow,
  decideSlowMode,
  decideWords,
  MAX_MUTE_MS,
  SHOW_MUTE_UNTIL_MS,
  slowModeWait,
} from "../../../durable-objects/features/danmaku/moderation";

const input = (over: Partial<DanmakuInput> = {}): DanmakuInput => ({
  userId: "alice",
  text: "hello",
  phase: "lobby",
  mutedUntilMs: null,
  nowMs: 10_000,
  buckets: new Map(),
  filter: compileFilter(["spam"]),
  config: DEFAULT_DANMAKU_CONFIG,
  ...over,
});

describe("mutes", () => {
  it("for a while, lifted by 0, for the show whatever the duration; never oneself or no one", () => {
    expect(decideMute({ hostId: "h", userId: "u", durationMs: 60_000, nowMs: 5 })).toEqual({
      ok: true,
      untilMs: 60_005,
    });
    expect(decideMute({ hostId: "h", userId: "u", durationMs: 0, nowMs: 5 })).toEqual({
      ok: true,
      untilMs: null,
    });
    expect(decideMute({ hostId: "h", userId: "u", durationMs: 0, forShow: true, nowMs: 5 })).toEqual({
      ok: true,
      untilMs: SHOW_MUTE_UNTIL_MS,
    });
    expect(decideMute({ hostId: "h", userId: "u", durationMs: MAX_MUTE_MS + 1, nowMs: 0 }).ok).toBe(false);
    expect(decideMute({ hostId: "h", userId: "h", durationMs: 0, forShow: true, nowMs: 0 })).toEqual({
      ok: false,
      code: "MUTE_BAD_REQUEST",
      message: "a host cannot mute themselves",
    });
    expect(decideShadow({ hostId: "h", userId: "" })).toMatchObject({ ok: false, code: "MUTE_BAD_REQUEST" });
    expect(decideShadow({ hostId: "h", userId: "x".repeat(65) }).ok).toBe(false);
    expect(decideShadow({ hostId: "h", userId: "u" })).toEqual({ ok: true });
  });

  it("a mute for the show says so, and outlasts any timed mute", () => {
    const d = decideDanmaku(input({ mutedUntilMs: SHOW_MUTE_UNTIL_MS, nowMs: 10 * MAX_MUTE_MS }));
    expect(d).toMatchObject({
      kind: "refused",
      code: "MUTED",
      message: "muted by the host for the rest of the show",
    });
    expect(decideDanmaku(input({ mutedUntilMs: 12_500 }))).toMatchObject({
      code: "MUTED",
      message: "muted by the host for 3 s more",
    });
  });
});

describe("slow mode", () => {
  it("0 to 300 seconds", () => {
    expect(decideSlowMode(0)).toEqual({ ok: true, seconds: 0 });
    expect(decideSlowMode(300)).toEqual({ ok: true, seconds: 300 });
    for (const bad of [-1, 301, 1.5, Number.NaN])
      expect(decideSlowMode(bad)).toEqual({
        ok: false,
        code: "MODERATION_BAD_REQUEST",
        message: "slow mode from 0 (off) to 300 seconds",
      });
  });

  it("the wait is what is left of the interval since the sender's last danmaku", () => {
    expect(slowModeWait({ seconds: 10, lastAtMs: null, nowMs: 0 })).toBe(0);
    expect(slowModeWait({ seconds: 0, lastAtMs: 9_999, nowMs: 10_000 })).toBe(0);
    expect(slowModeWait({ seconds: 10, lastAtMs: 1_000, nowMs: 4_500 })).toBe(6_500);
    expect(slowModeWait({ seconds: 10, lastAtMs: 1_000, nowMs: 11_000 })).toBe(0);
  });

  it("refuses a too-early danmaku before the rate limit, with the exact wait; a mute and bad text come first", () => {
    const early = decideDanmaku(input({ slowModeSec: 10, lastSentMs: 7_000 }));
    expect(early).toMatchObject({
      kind: "refused",
      code: "SLOW_MODE_WAIT",
      message: "slow mode: one danmaku per 10 s; wait 7000 ms",
    });
    // No token taken: the bucket map is the one passed in.
    expect(early.buckets.size).toBe(0);
    expect(decideDanmaku(input({ slowModeSec: 10, lastSentMs: 0 })).kind).toBe("accepted");
    expect(decideDanmaku(input({ slowModeSec: 10, lastSentMs: 7_000, text: " " }))).toMatchObject({
      code: "DANMAKU_EMPTY",
    });
    expect(decideDanmaku(input({ slowModeSec: 10, lastSentMs: 7_000, mutedUntilMs: 20_000 }))).toMatchObject({
      code: "MUTED",
    });
  });
});

describe("the room's words", () => {
  it("trimmed, deduplicated and sorted; at most 200 of 1–50 characters, no control characters", () => {
    expect(decideWords([" spam ", "spam", "ad"])).toEqual({ ok: true, words: ["ad", "spam"] });
    expect(decideWords([])).toEqual({ ok: true, words: [] });
    expect(decideWords(["ok", "  "])).toEqual({
      ok: false,
      code: "MODERATION_BAD_REQUEST",
      message: "word 2 is empty",
    });
    expect(decideWords(["x".repeat(51)])).toMatchObject({ message: "word 1 is over 50 characters" });
    expect(decideWords(["a\nb"])).toMatchObject({ message: "word 1 has control characters" });
    expect(decideWords(Array.from({ length: 201 }, (_, i) => `w${i}`))).toMatchObject({
      message: "at most 200 words",
    });
    // Duplicates count once towards the 200.
    expect(decideWords([...Array.from({ length: 200 }, (_, i) => `w${i}`), "w0"]).ok).toBe(true);
  });
});
