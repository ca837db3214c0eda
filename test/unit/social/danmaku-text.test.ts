import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkDanmakuText, utf8Bytes } from "../../../durable-objects/features/danmaku/text";

const limits = { maxChars: 60, maxBytes: 130 };

describe("checkDanmakuText", () => {
  it("accepts and normalises: trimmed, runs of spaces folded, NFC", () => {
    expect(checkDanmakuText("  hello   world  ", limits)).toEqual({ ok: true, text: "hello world" });
    expect(checkDanmakuText("cafe\u0301", limits)).toEqual({ ok: true, text: "café" });
    expect(checkDanmakuText("全角　スペース", limits)).toEqual({ ok: true, text: "全角 スペース" });
  });

  it("refuses empty and whitespace-only text with DANMAKU_EMPTY", () => {
    for (const t of ["", " ", "\u3000\u3000", "\u00a0"]) {
      expect(checkDanmakuText(t, limits)).toMatchObject({ ok: false, code: "DANMAKU_EMPTY" });
    }
  });

  it("refuses control characters, newlines and tabs included, with DANMAKU_BAD_CHARS", () => {
    for (const t of ["a\nb", "a\tb", "\u0000", "x\u007f", "x\u0085", "a\rb", "\u001b[31mred"]) {
      expect(checkDanmakuText(t, limits)).toMatchObject({ ok: false, code: "DANMAKU_BAD_CHARS" });
    }
  });

  it("refuses bidi overrides and isolates, line separators and lone surrogates", () => {
    for (const t of ["abc\u202Edcba", "\u2066x\u2069", "a\u2028b", "bad\ud800"]) {
      expect(checkDanmakuText(t, limits)).toMatchObject({ ok: false, code: "DANMAKU_BAD_CHARS" });
    }
  });

  it("keeps emoji sequences with zero-width joiners", () => {
    expect(checkDanmakuText("👨‍👩‍👧 nice", limits)).toEqual({ ok: true, text: "👨‍👩‍👧 nice" });
  });

  it("counts characters as code points: 60 pass, 61 are DANMAKU_TOO_LONG", () => {
    expect(checkDanmakuText("a".repeat(60), limits).ok).toBe(true);
    expect(checkDanmakuText("a".repeat(61), limits)).toMatchObject({ ok: false, code: "DANMAKU_TOO_LONG" });
    // An emoji is 2 UTF-16 units, 1 character and 4 bytes: 32 fit in 128 bytes, 33 (132) do not.
    expect(checkDanmakuText("😀".repeat(32), limits).ok).toBe(true);
    expect(checkDanmakuText("😀".repeat(33), limits)).toMatchObject({ ok: false, code: "DANMAKU_TOO_LONG" });
    expect(checkDanmakuText("😀".repeat(60), { maxChars: 60, maxBytes: 1000 }).ok).toBe(true);
  });

  it("limits UTF-8 bytes: 43 CJK characters (129 bytes) pass, 44 (132) do not", () => {
    expect(utf8Bytes("好".repeat(43))).toBe(129);
    expect(checkDanmakuText("好".repeat(43), limits).ok).toBe(true);
    expect(checkDanmakuText("好".repeat(44), limits)).toMatchObject({ ok: false, code: "DANMAKU_TOO_LONG" });
  });

  it("every accepted text is trimmed, within both limits and free of control characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (raw) => {
        const r = checkDanmakuText(raw, limits);
        if (!r.ok) return;
        expect(r.text).toBe(r.text.trim());
        expect(r.text.length).toBeGreaterThan(0);
        expect([...r.text].length).toBeLessThanOrEqual(60);
        expect(utf8Bytes(r.text)).toBeLessThanOrEqual(130);
        expect(/[\p{Cc}]/u.test(r.text)).toBe(false);
      }),
    );
  });
});
