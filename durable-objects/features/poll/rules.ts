// The live poll's rules: what a host may open, what a vote may count, when a poll closes and when
// its totals go out. Pure: the poll as it stands and the request in, a decision out, the room's
// time passed in. The feature (./feature.ts) moves rows, effects and time in and out of them.

/** The poll's limits (docs/live-room.md). */
export const POLL_LIMITS = {
  minChoices: 2,
  maxChoices: 4,
  maxChoiceChars: 60,
  maxQuestionChars: 200,
  minDurationMs: 5_000,
  maxDurationMs: 600_000,
} as const;

/** The totals go out at most once per tick: votes are counted at once, shown at this cadence. */
export const POLL_TICK_MS = 500;
/** A tick overdue by this much was lost: a vote schedules a new one. */
export const STALE_TICK_MS = 1_000;

/** A poll as the room keeps it. */
export interface Poll {
  /** 1, 2, 3 … per room. */
  id: number;
  question: string;
  choices: string[];
  /** Votes per choice, in choice order. */
  totals: number[];
  openedAtMs: number;
  /** Its timer on the room clock; null: open until the host closes it. */
  endsAtMs: number | null;
  /** When it closed; null while it is open. */
  closedAtMs: number | null;
  /** Closed by its timer rather than by the host. */
  timedOut: boolean;
}

/** A poll refusal's code (a `liveroom.Code` name). */
export type PollCode =
  | "POLL_BAD_REQUEST"
  | "POLL_ALREADY_OPEN"
  | "POLL_NOT_OPEN"
  | "POLL_BAD_CHOICE"
  | "POLL_ALREADY_VOTED";

export interface PollRefusal {
  ok: false;
  code: PollCode;
  message: string;
}

/** What a host asks to open, as decoded from the frame. */
export interface OpenRequest {
  question: string;
  choices: readonly string[];
  /** 0: until the host closes it. */
  durationMs: number;
}

const refused = (code: PollCode, message: string): PollRefusal => ({ ok: false, code, message });

// As for danmaku (danmaku/text.ts): control characters, line separators, bidi controls and lone
// surrogates would break or reverse the text on every screen; a label is one line.
const BAD_CHARS = /[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFF9-\uFFFB]/u;
const SPACES = /\s+/gu;

/** A label normalised (NFC, trimmed, runs of spaces folded), or null when it holds a bad character. */
function label(raw: string): string | null {
  if (BAD_CHARS.test(raw)) return null;
  return raw.normalize("NFC").replace(SPACES, " ").trim();
}

const chars = (s: string) => [...s].length;

/**
 * Checks and normalises what a host asks to open: a question of 1–200 characters, 2–4 distinct
 * choices of 1–60 characters, a duration of 0 or 5 s–10 min. Everything else is POLL_BAD_REQUEST.
 * @example validateOpen({ question: " Best? ", choices: ["a", "b"], durationMs: 0 }) // → { ok: true, question: "Best?", choices: ["a", "b"], durationMs: 0 }
 */
export function validateOpen(
  req: OpenRequest,
): { ok: true; question: string; choices: string[]; durationMs: number } | PollRefusal {
  const L = POLL_LIMITS;
  const question = label(req.question);
  if (question === null) return refused("POLL_BAD_REQUEST", "control characters in the question");
  if (question.length === 0) return refused("POLL_BAD_REQUEST", "the question is empty");
  if (chars(question) > L.maxQuestionChars) {
    return refused("POLL_BAD_REQUEST", `the question is over ${L.maxQuestionChars} characters`);
  }
  if (req.choices.length < L.minChoices || req.choices.length > L.maxChoices) {
    return refused("POLL_BAD_REQUEST", `a poll has ${L.minChoices}–${L.maxChoices} choices`);
  }
  const choices: string[] = [];
  for (const [i, raw] of req.choices.entries()) {
    const c = label(raw);
    if (c === null) return refused("POLL_BAD_REQUEST", `control characters in choice ${i}`);
    if (c.length === 0) return refused("POLL_BAD_REQUEST", `choice ${i} is empty`);
    if (chars(c) > L.maxChoiceChars) {
      return refused("POLL_BAD_REQUEST", `choice ${i} is over ${L.maxChoiceChars} characters`);
    }
    if (choices.includes(c)) return refused("POLL_BAD_REQUEST", `choice ${i} repeats another`);
    choices.push(c);
  }
  const d = req.durationMs;
  if (d !== 0 && (d < L.minDurationMs || d > L.maxDurationMs)) {
    return refused("POLL_BAD_REQUEST", "the duration is 0 (until closed) or 5 s to 10 min");
  }
  return { ok: true, question, choices, durationMs: d };
}

/**
 * Whether votes count in `poll` at `nowMs`: not closed, and its timer (if any) not up.
 * @example isOpen({ ...poll, closedAtMs: null, endsAtMs: 5_000 }, 5_000) // → false
 */
export function isOpen(poll: Poll | null, nowMs: number): poll is Poll {
  return poll !== null && poll.closedAtMs === null && (poll.endsAtMs === null || nowMs < poll.endsAtMs);
}

/** Whether `poll`'s timer is up while it is still stored open: the next task or frame closes it. */
export function isDue(poll: Poll | null, nowMs: number): poll is Poll {
  return poll !== null && poll.closedAtMs === null && poll.endsAtMs !== null && nowMs >= poll.endsAtMs;
}

/**
 * Opens poll `id`, unless `current` (the room's latest poll) is still open: one poll at a time.
 * A poll whose timer is up does not count as open; close it first (`decideTimeout`).
 * @example decideOpen(null, { question: "?", choices: ["a", "b"], durationMs: 60_000 }, 1, 1_000).ok // → true, endsAtMs 61_000
 */
export function decideOpen(
  current: Poll | null,
  req: OpenRequest,
  id: number,
  nowMs: number,
): { ok: true; poll: Poll } | PollRefusal {
  const v = validateOpen(req);
  if (!v.ok) return v;
  if (isOpen(current, nowMs)) {
    return refused("POLL_ALREADY_OPEN", `poll ${current.id} is open: close it first`);
  }
  return {
    ok: true,
    poll: {
      id,
      question: v.question,
      choices: v.choices,
      totals: v.choices.map(() => 0),
      openedAtMs: nowMs,
      endsAtMs: v.durationMs === 0 ? null : nowMs + v.durationMs,
      closedAtMs: null,
      timedOut: false,
    },
  };
}

/**
 * Counts one vote. Checks in order: the poll is the open one (and its time is not up), the choice
 * exists, the voter has not voted in it (`prior`: their earlier choice, or null). The first counts.
 * @example decideVote(open, { pollId: 1, choice: 1 }, null, 2_000) // → { ok: true, poll: { …, totals: [0, 1] } }
 */
export function decideVote(
  poll: Poll | null,
  vote: { pollId: number; choice: number },
  prior: number | null,
  nowMs: number,
): { ok: true; poll: Poll } | PollRefusal {
  if (!isOpen(poll, nowMs) || poll.id !== vote.pollId) {
    return refused("POLL_NOT_OPEN", `poll ${vote.pollId} is not open`);
  }
  if (!Number.isInteger(vote.choice) || vote.choice < 0 || vote.choice >= poll.choices.length) {
    return refused("POLL_BAD_CHOICE", `poll ${poll.id} has choices 0–${poll.choices.length - 1}`);
  }
  if (prior !== null) {
    return refused(
      "POLL_ALREADY_VOTED",
      `you voted for choice ${prior} in poll ${poll.id}: the first vote counts`,
    );
  }
  const totals = poll.totals.map((n, i) => (i === vote.choice ? n + 1 : n));
  return { ok: true, poll: { ...poll, totals } };
}

/**
 * The host closes poll `pollId`: only the open poll (POLL_NOT_OPEN otherwise, its time being up
 * included: then its timer closes it, see `decideTimeout`).
 * @example decideClose(open, 1, 3_000) // → { ok: true, poll: { …, closedAtMs: 3_000, timedOut: false } }
 */
export function decideClose(
  poll: Poll | null,
  pollId: number,
  nowMs: number,
): { ok: true; poll: Poll } | PollRefusal {
  if (!isOpen(poll, nowMs) || poll.id !== pollId) {
    return refused("POLL_NOT_OPEN", `poll ${pollId} is not open`);
  }
  return { ok: true, poll: { ...poll, closedAtMs: nowMs, timedOut: false } };
}

export type TimeoutDecision =
  | { kind: "closed"; poll: Poll }
  /** The timer fired early (alarms may): run it again then. */
  | { kind: "notYet"; atMs: number }
  /** Poll `pollId` is closed already, or not the latest: nothing to do (tasks run at least once). */
  | { kind: "none" };

/**
 * Poll `pollId`'s timer: closes it once its time is up, and does nothing for a poll already closed.
 * @example decideTimeout({ ...open, endsAtMs: 61_000 }, 1, 61_000) // → { kind: "closed", poll: { …, timedOut: true } }
 */
export function decideTimeout(poll: Poll | null, pollId: number, nowMs: number): TimeoutDecision {
  if (poll === null || poll.id !== pollId || poll.closedAtMs !== null || poll.endsAtMs === null) {
    return { kind: "none" };
  }
  if (nowMs < poll.endsAtMs) return { kind: "notYet", atMs: poll.endsAtMs };
  return { kind: "closed", poll: { ...poll, closedAtMs: nowMs, timedOut: true } };
}

/**
 * The sum of a poll's totals.
 * @example votes([3, 0, 2]) // → 5
 */
export function votes(totals: readonly number[]): number {
  return totals.reduce((a, b) => a + b, 0);
}

/**
 * What a closing tick shows: the open poll's totals when they moved since the last shown
 * (`shownVotes`, the sum last sent), else null. Votes only add, so the sum says whether they moved.
 * @example tickTotals({ ...poll1, totals: [2, 1] }, 2) // → { pollId: 1, totals: [2, 1], votes: 3 }
 */
export function tickTotals(
  poll: Poll | null,
  shownVotes: number,
): { pollId: number; totals: number[]; votes: number } | null {
  if (poll === null || poll.closedAtMs !== null) return null;
  const n = votes(poll.totals);
  return n > shownVotes ? { pollId: poll.id, totals: [...poll.totals], votes: n } : null;
}

/**
 * When a vote at `nowMs` needs a tick scheduled: a full tick later unless one is coming
 * (`tickAtMs`, not overdue by more than STALE_TICK_MS); null when one is. The next tick is
 * scheduled only once the last one closed, so ticks are at least `tickMs` apart.
 * @example planTick(null, 1_000) // → 1_500
 */
export function planTick(tickAtMs: number | null, nowMs: number, tickMs = POLL_TICK_MS): number | null {
  if (tickAtMs !== null && nowMs <= tickAtMs + STALE_TICK_MS) return null;
  return nowMs + tickMs;
}
