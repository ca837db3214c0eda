import { describe, expect, it } from "vitest";
import { toStamp } from "../../client/stream-time";
import { formatPosition, parseStamp } from "../../web/src/host/stream-stamp";

const at = (iso: string) => Date.parse(iso);

describe("parseStamp", () => {
  it("takes a stamp as the HTTP API does", () => {
    expect(parseStamp(" 2066044344 ", 0)).toEqual({ ok: true, stamp: 2_066_044_344 });
    expect(parseStamp("0", 0)).toEqual({ ok: true, stamp: 0 });
    expect(parseStamp("4294967296", 0)).toEqual({ ok: false, message: "a stamp is at most 4294967295" });
  });

  it("takes a UTC time of day on the day nearest the picture", () => {
    const near = at("2026-01-01T20:00:40Z");
    expect(parseStamp("20:00:31.25", near)).toEqual({
      ok: true,
      stamp: toStamp(at("2026-01-01T20:00:31.250Z")),
    });
    expect(parseStamp("20:00:31", near)).toEqual({ ok: true, stamp: toStamp(at("2026-01-01T20:00:31Z")) });
    // Just after midnight, 23:59:58 is yesterday's.
    expect(parseStamp("23:59:58", at("2026-01-02T00:00:01Z"))).toEqual({
      ok: true,
      stamp: toStamp(at("2026-01-01T23:59:58Z")),
    });
  });

  it("refuses anything else in words", () => {
    expect(parseStamp("soon", 0)).toEqual({
      ok: false,
      message: "type a time of day (20:00:31.250, UTC) or a stamp in ms",
    });
    expect(parseStamp("24:00:00", 0)).toEqual({ ok: false, message: "not a time of day" });
    expect(parseStamp("-5", 0).ok).toBe(false);
  });
});

describe("formatPosition", () => {
  it("shows the UTC time of day to the millisecond", () => {
    expect(formatPosition(at("2026-01-01T20:00:31.250Z"))).toBe("20:00:31.250");
  });
});
