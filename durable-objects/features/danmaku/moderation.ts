// Host moderation: muting a player for a while, deleting a shown danmaku. Pure.

/** Longest mute a host may set: a day. Longer bans belong to the platform, not the room. */
export const MAX_MUTE_MS = 24 * 60 * 60 * 1000;

export type MuteDecision =
  | { ok: true; untilMs: number | null }
  | { ok: false; code: "MUTE_BAD_REQUEST"; message: string };

/**
 * A mute of `durationMs` from `nowMs` (0 lifts the mute: `untilMs` null). The user id must be
 * given and not the host's own.
 * @example decideMute({ hostId: "h", userId: "u", durationMs: 60_000, nowMs: 0 }) // → { ok: true, untilMs: 60000 }
 */
export function decideMute(input: {
  hostId: string;
  userId: string;
  durationMs: number;
  nowMs: number;
}): MuteDecision {
  const { userId, durationMs } = input;
  if (userId.length === 0 || userId.length > 64) {
    return { ok: false, code: "MUTE_BAD_REQUEST", message: "name the user to mute (1–64 characters)" };
  }
  if (userId === input.hostId)
    return { ok: false, code: "MUTE_BAD_REQUEST", message: "a host cannot mute themselves" };
  if (!Number.isSafeInteger(durationMs) || durationMs < 0 || durationMs > MAX_MUTE_MS) {
    return { ok: false, code: "MUTE_BAD_REQUEST", message: `duration_ms from 0 (unmute) to ${MAX_MUTE_MS}` };
  }
  return { ok: true, untilMs: durationMs === 0 ? null : input.nowMs + durationMs };
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
