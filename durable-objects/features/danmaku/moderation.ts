// Host moderation: muting a player for a while or for the show, shadow muting, slow mode, the room's
// own word list, deleting a shown danmaku. Pure.

/** Longest timed mute a host may set: a day. Longer bans belong to the platform, not the room. */
export const MAX_MUTE_MS = 24 * 60 * 60 * 1000;
/**
 * The `until_ms` stored for a mute for the show: later than any room clock. It ends with the show
 * (after END no danmaku is taken at all) or when the host lifts it.
 */
export const SHOW_MUTE_UNTIL_MS = Number.MAX_SAFE_INTEGER;
/** Slow mode's longest interval: five minutes between two danmaku of one player. */
export const MAX_SLOW_MODE_SEC = 300;
/** The room's own words: at most this many, each 1–`MAX_WORD_CHARS` characters (the platform list's limit). */
export const MAX_ROOM_WORDS = 200;
export const MAX_WORD_CHARS = 50;

type BadRequest<C extends string> = { ok: false; code: C; message: string };

export type MuteDecision = { ok: true; untilMs: number | null } | BadRequest<"MUTE_BAD_REQUEST">;

/** The user a host names: given, at most 64 characters, not the host. */
function badTarget(hostId: string, userId: string): BadRequest<"MUTE_BAD_REQUEST"> | null {
  if (userId.length === 0 || userId.length > 64) {
    return { ok: false, code: "MUTE_BAD_REQUEST", message: "name the user to mute (1–64 characters)" };
  }
  if (userId === hostId)
    return { ok: false, code: "MUTE_BAD_REQUEST", message: "a host cannot mute themselves" };
  return null;
}

/**
 * A mute of `durationMs` from `nowMs` (0 lifts the mute: `untilMs` null), or for the rest of the show
 * (`forShow`: `durationMs` is ignored). The user id must be given and not the host's own.
 * @example decideMute({ hostId: "h", userId: "u", durationMs: 60_000, nowMs: 0 }) // → { ok: true, untilMs: 60000 }
 * @example decideMute({ hostId: "h", userId: "u", durationMs: 0, forShow: true, nowMs: 0 }) // → { ok: true, untilMs: SHOW_MUTE_UNTIL_MS }
 */
export function decideMute(input: {
  hostId: string;
  userId: string;
  durationMs: number;
  forShow?: boolean;
  nowMs: number;
}): MuteDecision {
  const { userId, durationMs } = input;
  const bad = badTarget(input.hostId, userId);
  if (bad !== null) return bad;
  if (input.forShow === true) return { ok: true, untilMs: SHOW_MUTE_UNTIL_MS };
  if (!Number.isSafeInteger(durationMs) || durationMs < 0 || durationMs > MAX_MUTE_MS) {
    return { ok: false, code: "MUTE_BAD_REQUEST", message: `duration_ms from 0 (unmute) to ${MAX_MUTE_MS}` };
  }
  return { ok: true, untilMs: durationMs === 0 ? null : input.nowMs + durationMs };
}

/**
 * A shadow mute (`on`) or its lifting: the same target rule as a mute.
 * @example decideShadow({ hostId: "h", userId: "h" }).ok // → false
 */
export function decideShadow(input: {
  hostId: string;
  userId: string;
}): { ok: true } | BadRequest<"MUTE_BAD_REQUEST"> {
  return badTarget(input.hostId, input.userId) ?? { ok: true };
}

/**
 * Slow mode of `seconds` between two danmaku of one player: 0 (off) to MAX_SLOW_MODE_SEC.
 * @example decideSlowMode(10) // → { ok: true, seconds: 10 }
 */
export function decideSlowMode(
  seconds: number,
): { ok: true; seconds: number } | BadRequest<"MODERATION_BAD_REQUEST"> {
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > MAX_SLOW_MODE_SEC) {
    return {
      ok: false,
      code: "MODERATION_BAD_REQUEST",
      message: `slow mode from 0 (off) to ${MAX_SLOW_MODE_SEC} seconds`,
    };
  }
  return { ok: true, seconds };
}

// Control characters and bidi overrides: a word list is shown in consoles.
const BAD_WORD_CHARS = /[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/**
 * The room's own word list as a host sends it: each word trimmed, blanks refused, duplicates
 * (after trimming) kept once, sorted. At most MAX_ROOM_WORDS words of 1–MAX_WORD_CHARS characters.
 * @example decideWords([" spam ", "spam", "ad"]) // → { ok: true, words: ["ad", "spam"] }
 */
export function decideWords(
  words: readonly string[],
): { ok: true; words: string[] } | BadRequest<"MODERATION_BAD_REQUEST"> {
  const bad = (message: string) => ({ ok: false as const, code: "MODERATION_BAD_REQUEST" as const, message });
  const out = new Set<string>();
  for (const [i, raw] of words.entries()) {
    const w = raw.trim();
    if (w.length === 0) return bad(`word ${i + 1} is empty`);
    if ([...w].length > MAX_WORD_CHARS) return bad(`word ${i + 1} is over ${MAX_WORD_CHARS} characters`);
    if (BAD_WORD_CHARS.test(w)) return bad(`word ${i + 1} has control characters`);
    out.add(w);
  }
  if (out.size > MAX_ROOM_WORDS) return bad(`at most ${MAX_ROOM_WORDS} words`);
  return { ok: true, words: [...out].sort() };
}

/**
 * How long a player must still wait under slow mode of `seconds`, after their last danmaku at
 * `lastAtMs` (null: none yet); 0 when they may send now.
 * @example slowModeWait({ seconds: 10, lastAtMs: 1_000, nowMs: 4_500 }) // → 6500
 */
export function slowModeWait(input: { seconds: number; lastAtMs: number | null; nowMs: number }): number {
  if (input.seconds === 0 || input.lastAtMs === null) return 0;
  return Math.max(0, input.lastAtMs + input.seconds * 1000 - input.nowMs);
}

/** The state of a danmaku id a host asks to delete. */
export type ShownState = "shown" | "deleted" | "unknown";

export type DeleteDecision = { kind: "delete" } | { kind: "already" } | { kind: "unknown" };

/**
 * Deleting a danmaku: only a shown one can be (the host never saw the others); a second delete of
 * the same one is a no-op success, so a retried request does not fail.
 * @example decideDelete("shown") // → { kind: "delete" }
 */
export function decideDelete(state: ShownState): DeleteDecision {
  switch (state) {
    case "shown":
      return { kind: "delete" };
    case "deleted":
      return { kind: "already" };
    case "unknown":
      return { kind: "unknown" };
  }
}
