// Danmaku text rules: what a viewer may send, checked before anything is stored. Pure.

/** Why a danmaku's text is refused (a `liveroom.Code` name). */
export type TextRejectCode = "DANMAKU_EMPTY" | "DANMAKU_TOO_LONG" | "DANMAKU_BAD_CHARS";

export type TextCheck = { ok: true; text: string } | { ok: false; code: TextRejectCode; message: string };

// Control characters (C0, DEL, C1: newlines and tabs too, a danmaku is one line), the line and
// paragraph separators, and the bidi embeddings, overrides and isolates, which can reverse the
// text that follows them on every screen in the room.
const BAD_CHARS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFF9-\uFFFB]/u;
// An unpaired surrogate cannot be encoded as UTF-8: it would reach other viewers as U+FFFD.
const LONE_SURROGATE = /\p{Cs}/u;
const SPACES = /\s+/gu;

const encoder = new TextEncoder();

/** UTF-8 length of a string, as it travels in the frame. */
export function utf8Bytes(s: string): number {
  return encoder.encode(s).length;
}

/**
 * Checks and normalises a danmaku: NFC, trimmed, runs of spaces folded to one. Refused, in this
 * order: control or bidi characters (BAD_CHARS), nothing left after trimming (EMPTY), more than
 * `maxChars` code points or `maxBytes` UTF-8 bytes (TOO_LONG).
 * @example checkDanmakuText("  hi   there ", { maxChars: 60, maxBytes: 130 }) // → { ok: true, text: "hi there" }
 */
export function checkDanmakuText(raw: string, limits: { maxChars: number; maxBytes: number }): TextCheck {
  if (BAD_CHARS.test(raw) || LONE_SURROGATE.test(raw)) {
    return {
      ok: false,
      code: "DANMAKU_BAD_CHARS",
      message: "control and direction characters are not allowed",
    };
  }
  const text = raw.normalize("NFC").replace(SPACES, " ").trim();
  if (text.length === 0) return { ok: false, code: "DANMAKU_EMPTY", message: "the danmaku is empty" };
  const chars = [...text].length;
  if (chars > limits.maxChars || utf8Bytes(text) > limits.maxBytes) {
    return {
      ok: false,
      code: "DANMAKU_TOO_LONG",
      message: `at most ${limits.maxChars} characters and ${limits.maxBytes} bytes`,
    };
  }
  return { ok: true, text };
}
