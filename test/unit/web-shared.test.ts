import { describe, expect, test } from "vitest";
import { isExpired, readClaims } from "../../web/src/shared/jwt";
import { formatCents, parseCents } from "../../web/src/shared/money";
import { socialFailure } from "../../web/src/viewer/social-text";
import { tapOutcome } from "../../web/src/viewer/rain-outcome";

const b64url = (s: string) => Buffer.from(s).toString("base64url");
const jwt = (payload: object) => `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify(payload))}.sig`;

describe("money", () => {
  test("formats integer cents with separators", () => {
    expect(formatCents(0)).toBe("¥0.00");
    expect(formatCents(7)).toBe("¥0.07");
    expect(formatCents(50_001)).toBe("¥500.01");
    expect(formatCents(100_001)).toBe("¥1,000.01");
    expect(formatCents(123_456_789)).toBe("¥1,234,567.89");
    expect(formatCents(-250)).toBe("-¥2.50");
  });

  test("parses typed amounts to exact cents, never through a float", () => {
    expect(parseCents("1000")).toBe(100_000);
    expect(parseCents("1,000.5")).toBe(100_050);
    expect(parseCents(" 0.07 ")).toBe(7);
    expect(parseCents("1000.01")).toBe(100_001);
    expect(parseCents("0.29")).toBe(29); // 0.29 * 100 is 28.999… as a float
    for (const bad of ["", "-1", "1.005", "1,00", "abc", "1e3", ".5"])
      expect(parseCents(bad)).toBeUndefined();
  });
});

describe("token claims", () => {
  test("reads sub, role, exp and name without verifying", () => {
    expect(readClaims(jwt({ sub: "alice", role: "viewer", exp: 10, name: "Alice" }))).toEqual({
      sub: "alice",
      role: "viewer",
      exp: 10,
      name: "Alice",
    });
  });

  test("anything else is undefined", () => {
    expect(readClaims("nope")).toBeUndefined();
    expect(readClaims("a.b.c")).toBeUndefined();
    expect(readClaims(jwt({ sub: "alice", role: "viewer" }))).toBeUndefined();
  });

  test("expiry is compared in ms", () => {
    const claims = { sub: "a", role: "viewer", exp: 100, name: undefined };
    expect(isExpired(claims, 99_999)).toBe(false);
    expect(isExpired(claims, 100_000)).toBe(true);
  });
});

describe("a tap's outcome", () => {
  const failed = (codeName: string) => ({ ok: false as const, code: 0, codeName, message: "" });

  test("a grant shows its amount", () => {
    const r = tapOutcome({ ok: true, rain: 0, amountCents: 123, grabbed: 1 });
    expect(r.message).toBe("+¥1.23!");
    expect(r.granted?.amountCents).toBe(123);
  });

  test("the cap and an empty pool stop the tapping; throttled and rate-limited taps do not", () => {
    expect(tapOutcome(failed("CAP_REACHED")).stop).toBe("cap");
    expect(tapOutcome(failed("CAP_REACHED_LOCALLY")).stop).toBe("cap");
    expect(tapOutcome(failed("NONE_LEFT")).stop).toBe("empty");
    expect(tapOutcome(failed("NO_RAIN")).stop).toBe("empty");
    expect(tapOutcome(failed("THROTTLED_LOCALLY")).stop).toBeUndefined();
    expect(tapOutcome(failed("RATE_LIMITED")).stop).toBeUndefined();
  });
});

describe("refused danmaku and gifts, in words", () => {
  test("each code the room sends has its sentence; unknown ones are named", () => {
    expect(socialFailure("DANMAKU_BLOCKED")).toBe("That comment isn't allowed here.");
    expect(socialFailure("MUTED")).toBe("The host has muted you for a while.");
    expect(socialFailure("INSUFFICIENT_COINS")).toBe("Not enough coins for that gift.");
    expect(socialFailure("SOMETHING_NEW")).toBe("Not sent (SOMETHING_NEW).");
  });
});
