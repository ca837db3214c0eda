import { describe, expect, it } from "vitest";
import { bearerToken } from "../../workers/auth/middleware";
import { ActivityInput } from "../../workers/input/activity";
import { parseSubprotocols } from "../../workers/routes/room-ws";

describe("parseSubprotocols", () => {
  it("reads the token offered after liveroom", () => {
    expect(parseSubprotocols("liveroom, a.b.c")).toEqual({ liveroom: true, token: "a.b.c" });
    expect(parseSubprotocols("a.b.c,liveroom")).toEqual({ liveroom: true, token: "a.b.c" });
  });
  it("offers liveroom without a token", () => {
    expect(parseSubprotocols("liveroom")).toEqual({ liveroom: true, token: null });
  });
  it("ignores other protocols and a missing header", () => {
    expect(parseSubprotocols("chat, a.b.c")).toEqual({ liveroom: false, token: null });
    expect(parseSubprotocols(undefined)).toEqual({ liveroom: false, token: null });
  });
});

describe("bearerToken", () => {
  it("extracts the token of a Bearer header only", () => {
    expect(bearerToken("Bearer a.b.c")).toBe("a.b.c");
    expect(bearerToken("bearer  a.b.c ")).toBe("a.b.c");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe("ActivityInput", () => {
  const base = {
    title: "T",
    startAt: "2026-05-01T22:00:00+02:00",
    prizePoolCents: 1,
    questions: [{ text: "?", options: ["a", "b"], correct: 0 }],
  };
  it("applies the defaults and converts an ISO start with an offset to epoch ms", () => {
    expect(ActivityInput.parse(base)).toEqual({
      ...base,
      startAt: Date.UTC(2026, 4, 1, 20),
      answerWindowMs: 10_000,
      grabCap: 3,
      rains: [],
    });
  });
  it("fills a rain's defaults and keeps its seed optional", () => {
    const parsed = ActivityInput.parse({ ...base, rains: [{ totalCents: 10, count: 3 }] });
    expect(parsed.rains).toEqual([{ totalCents: 10, count: 3, targetTapsPerSec: 1000, durationMs: 20_000 }]);
  });
  it("accepts the largest safe integer of cents and nothing above it", () => {
    expect(ActivityInput.safeParse({ ...base, prizePoolCents: Number.MAX_SAFE_INTEGER }).success).toBe(true);
    expect(ActivityInput.safeParse({ ...base, prizePoolCents: Number.MAX_SAFE_INTEGER + 1 }).success).toBe(
      false,
    );
  });
});
