// The activity home: which section an activity belongs in, and the link that shares it. Pure.

/** The sections of the home page. */
export type HomeSection = "upcoming" | "live" | "ended";

/** An activity that was scheduled but never opened stops being "upcoming" this long after its start. */
export const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * Where an activity goes: `live` once the operator opened it, `ended` once ended, `upcoming` while
 * scheduled — until 6 h past its start time without being opened, when it is left off (null): a show
 * that never happened is neither coming nor over.
 * @example classifyActivity({ status: "scheduled", startAtMs: 2000 }, 1000) // → "upcoming"
 */
export function classifyActivity(
  a: { status: "scheduled" | "live" | "ended"; startAtMs: number },
  nowMs: number,
): HomeSection | null {
  switch (a.status) {
    case "live":
      return "live";
    case "ended":
      return "ended";
    case "scheduled":
      return nowMs - a.startAtMs > STALE_AFTER_MS ? null : "upcoming";
  }
}

/**
 * Sorts each section the way a viewer reads it: upcoming soonest first, live and ended latest
 * start first; ties by id.
 */
export function sectionOrder(
  section: HomeSection,
): (a: { startAtMs: number; id: string }, b: { startAtMs: number; id: string }) => number {
  const sign = section === "upcoming" ? 1 : -1;
  return (a, b) => sign * (a.startAtMs - b.startAtMs) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The link that opens an activity in the viewer page (`web/`: `/?room=<id>`), carrying the sharer's
 * invite code when there is one so that a friend who signs up from it rewards them.
 * @example shareLink("https://live.example", "quiz-1", "ABCD2345") // → "https://live.example/?room=quiz-1&invite=ABCD2345"
 */
export function shareLink(baseUrl: string, activityId: string, inviteCode?: string | null): string {
  const url = new URL("/", baseUrl);
  url.searchParams.set("room", activityId);
  if (inviteCode) url.searchParams.set("invite", inviteCode);
  return url.toString();
}
