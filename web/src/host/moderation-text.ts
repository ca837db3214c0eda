// The moderation panel's words: the word list typed one per line, and the room's moderation as a line
// an operator reads at a glance. Pure.

/** The room's moderation as `GET /api/rooms/:id/moderation` answers it. */
export interface ModerationState {
  slowModeSeconds: number;
  /** `untilMs` (room clock) is null for a mute for the show. */
  mutes: { userId: string; untilMs: number | null; forShow: boolean }[];
  shadowMuted: string[];
  words: string[];
}

/**
 * A word list typed one word per line (or comma-separated): trimmed, blanks dropped, duplicates once.
 * @example parseWords("spam\n  ad , spam\n\n") // → ["spam", "ad"]
 */
export function parseWords(text: string): string[] {
  const words = text
    .split(/[\n,]/)
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
  return [...new Set(words)];
}

/**
 * One line for the room's moderation now; `nowMs` on the room's clock turns timed mutes into minutes left.
 * @example describeModeration({ slowModeSeconds: 10, mutes: [{ userId: "bob", untilMs: null, forShow: true }], shadowMuted: [], words: [] }, 0)
 * // → "Slow mode: one danmaku per 10 s per player. Muted: bob (for the show). Shadow muted: nobody. Room words: none."
 */
export function describeModeration(m: ModerationState, nowMs: number): string {
  const slow =
    m.slowModeSeconds > 0
      ? `Slow mode: one danmaku per ${m.slowModeSeconds} s per player.`
      : "Slow mode: off.";
  const mutes = m.mutes.map((x) =>
    x.forShow || x.untilMs === null
      ? `${x.userId} (for the show)`
      : `${x.userId} (${Math.max(1, Math.ceil((x.untilMs - nowMs) / 60_000))} min left)`,
  );
  return [
    slow,
    `Muted: ${mutes.length > 0 ? mutes.join(", ") : "nobody"}.`,
    `Shadow muted: ${m.shadowMuted.length > 0 ? m.shadowMuted.join(", ") : "nobody"}.`,
    `Room words: ${m.words.length > 0 ? m.words.join(", ") : "none"}.`,
  ].join(" ");
}

/**
 * Minutes typed for a timed mute: a whole number from 1 to 1440 (a day), or null.
 * @example muteMinutes("10") // → 10
 */
export function muteMinutes(text: string): number | null {
  if (!/^[0-9]{1,4}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 1 && n <= 1440 ? n : null;
}
