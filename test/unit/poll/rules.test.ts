// The poll's pure rules: opening, voting, closing by the host or the timer, and the totals tick.
import { describe, expect, it } from "vitest";
import {
  decideClose,
  decideOpen,
  decideTimeout,
  decideVote,
  isDue,
  isOpen,
  type OpenRequest,
  type Poll,
  planTick,
  tickTotals,
  validateOpen,
  votes,
} from "../../../durable-objects/features/poll/rules";

const REQ: OpenRequest = { question: "Next song?", choices: ["rock", "jazz", "pop"], durationMs: 0 };

function opened(req: Partial<OpenRequest> = {}, id = 1, nowMs = 1_000): Poll {
  const d = decideOpen(null, { ...REQ, ...req }, id, nowMs);
  if (!d.ok) throw new Error(d.message);
  return d.poll;
}

/** Applies first votes for these choices in order, failing on the first refusal. */
function voted(poll: Poll, choices: number[], nowMs = 2_000): Poll {
  return choices.reduce((p, choice) => {
    const d = decideVote(p, { pollId: p.id, choice }, null, nowMs);
    if (!d.ok) throw new Error(d.message);
    return d.poll;
  }, poll);
}

describe("opening a poll", () => {
  it("opens with zero totals, normalised text, and a timer when it has a duration", () => {
    expect(decideOpen(null, { ...REQ, question: "  Next   song? ", durationMs: 60_000 }, 1, 1_000)).toEqual({
      ok: true,
      poll: {
        id: 1,
        question: "Next song?",
        choices: ["rock", "jazz", "pop"],
        totals: [0, 0, 0],
        openedAtMs: 1_000,
        endsAtMs: 61_000,
        closedAtMs: null,
        timedOut: false,
      },
    });
    expect(opened().endsAtMs).toBeNull();
  });

  it("refuses bad requests with POLL_BAD_REQUEST and says why", () => {
    const cases: [Partial<OpenRequest>, string][] = [
      [{ question: "" }, "the question is empty"],
      [{ question: "   " }, "the question is empty"],
      [{ question: "x".repeat(201) }, "the question is over 200 characters"],
      [{ question: "line\nbreak" }, "control characters in the question"],
      [{ question: "rtl\u202Eevil" }, "control characters in the question"],
      [{ choices: ["only"] }, "a poll has 2–4 choices"],
      [{ choices: ["a", "b", "c", "d", "e"] }, "a poll has 2–4 choices"],
      [{ choices: [] }, "a poll has 2–4 choices"],
      [{ choices: ["a", " "] }, "choice 1 is empty"],
      [{ choices: ["a", "y".repeat(61)] }, "choice 1 is over 60 characters"],
      [{ choices: ["a", "b\u0007"] }, "control characters in choice 1"],
      [{ choices: ["same", " same "] }, "choice 1 repeats another"],
      [{ durationMs: 4_999 }, "the duration is 0 (until closed) or 5 s to 10 min"],
      [{ durationMs: 600_001 }, "the duration is 0 (until closed) or 5 s to 10 min"],
    ];
    for (const [req, message] of cases) {
      expect(decideOpen(null, { ...REQ, ...req }, 1, 0)).toEqual({
        ok: false,
        code: "POLL_BAD_REQUEST",
        message,
      });
    }
  });

  it("accepts the limits exactly: 200 and 60 characters (code points), 2 and 4 choices, 5 s and 10 min", () => {
    expect(
      validateOpen({ question: "问".repeat(200), choices: ["好".repeat(60), "b"], durationMs: 5_000 }).ok,
    ).toBe(true);
    expect(validateOpen({ ...REQ, choices: ["a", "b", "c", "d"], durationMs: 600_000 }).ok).toBe(true);
    expect(validateOpen({ ...REQ, question: "😀".repeat(200) }).ok).toBe(true);
  });

  it("one poll at a time: a second while one is open is POLL_ALREADY_OPEN; after it closed or timed out, it opens", () => {
    const first = opened({ durationMs: 10_000 }, 1, 1_000);
    expect(decideOpen(first, REQ, 2, 5_000)).toEqual({
      ok: false,
      code: "POLL_ALREADY_OPEN",
      message: "poll 1 is open: close it first",
    });
    const closed = decideClose(first, 1, 6_000);
    if (!closed.ok) throw new Error(closed.message);
    expect(decideOpen(closed.poll, REQ, 2, 6_000)).toMatchObject({ ok: true, poll: { id: 2 } });
    // Its time is up, even before the timer task closed it: it no longer counts as open.
    expect(decideOpen(first, REQ, 2, 11_000)).toMatchObject({
      ok: true,
      poll: { id: 2, openedAtMs: 11_000 },
    });
  });

  it("a bad request is refused as such even while another poll is open", () => {
    expect(decideOpen(opened(), { ...REQ, choices: ["a"] }, 2, 2_000)).toMatchObject({
      code: "POLL_BAD_REQUEST",
    });
  });
});

describe("voting", () => {
  it("counts the first vote of each user into its choice", () => {
    const p = voted(opened(), [0, 2, 2, 1, 2]);
    expect(p.totals).toEqual([1, 1, 3]);
    expect(votes(p.totals)).toBe(5);
  });

  it("refuses a vote before any poll, for another id, after close, and after the timer, with POLL_NOT_OPEN", () => {
    expect(decideVote(null, { pollId: 1, choice: 0 }, null, 0)).toEqual({
      ok: false,
      code: "POLL_NOT_OPEN",
      message: "poll 1 is not open",
    });
    const p = opened({ durationMs: 5_000 }, 4, 1_000);
    expect(decideVote(p, { pollId: 3, choice: 0 }, null, 2_000)).toMatchObject({ code: "POLL_NOT_OPEN" });
    expect(decideVote(p, { pollId: 0, choice: 0 }, null, 2_000)).toMatchObject({ code: "POLL_NOT_OPEN" });
    // The timer: the last millisecond counts, the deadline itself does not.
    expect(decideVote(p, { pollId: 4, choice: 0 }, null, 5_999)).toMatchObject({ ok: true });
    expect(decideVote(p, { pollId: 4, choice: 0 }, null, 6_000)).toEqual({
      ok: false,
      code: "POLL_NOT_OPEN",
      message: "poll 4 is not open",
    });
    const closed = decideClose(p, 4, 3_000);
    if (!closed.ok) throw new Error(closed.message);
    expect(decideVote(closed.poll, { pollId: 4, choice: 0 }, null, 3_000)).toMatchObject({
      code: "POLL_NOT_OPEN",
    });
  });

  it("refuses a choice beyond the poll's with POLL_BAD_CHOICE", () => {
    const p = opened();
    expect(decideVote(p, { pollId: 1, choice: 3 }, null, 2_000)).toEqual({
      ok: false,
      code: "POLL_BAD_CHOICE",
      message: "poll 1 has choices 0–2",
    });
    expect(decideVote(p, { pollId: 1, choice: -1 }, null, 2_000)).toMatchObject({ code: "POLL_BAD_CHOICE" });
    expect(decideVote(p, { pollId: 1, choice: 2 }, null, 2_000)).toMatchObject({ ok: true });
  });

  it("refuses a second vote with POLL_ALREADY_VOTED, whatever its choice: the first counts", () => {
    const p = voted(opened(), [1]);
    for (const choice of [1, 0]) {
      expect(decideVote(p, { pollId: 1, choice }, 1, 2_500)).toEqual({
        ok: false,
        code: "POLL_ALREADY_VOTED",
        message: "you voted for choice 1 in poll 1: the first vote counts",
      });
    }
    expect(p.totals).toEqual([0, 1, 0]);
  });

  it("checks in order: not open, then the choice, then an earlier vote", () => {
    const p = opened();
    expect(decideVote(p, { pollId: 2, choice: 9 }, 0, 2_000)).toMatchObject({ code: "POLL_NOT_OPEN" });
    expect(decideVote(p, { pollId: 1, choice: 9 }, 0, 2_000)).toMatchObject({ code: "POLL_BAD_CHOICE" });
    expect(decideVote(p, { pollId: 1, choice: 0 }, 0, 2_000)).toMatchObject({ code: "POLL_ALREADY_VOTED" });
  });
});

describe("closing", () => {
  it("the host closes the open poll, keeping its totals; a second close is POLL_NOT_OPEN", () => {
    const p = voted(opened({ durationMs: 60_000 }), [0, 0, 1]);
    const d = decideClose(p, 1, 9_000);
    expect(d).toEqual({ ok: true, poll: { ...p, totals: [2, 1, 0], closedAtMs: 9_000, timedOut: false } });
    if (!d.ok) return;
    expect(decideClose(d.poll, 1, 9_001)).toEqual({
      ok: false,
      code: "POLL_NOT_OPEN",
      message: "poll 1 is not open",
    });
    expect(decideClose(null, 1, 0)).toMatchObject({ code: "POLL_NOT_OPEN" });
    expect(decideClose(p, 2, 9_000)).toMatchObject({ code: "POLL_NOT_OPEN" });
  });

  it("the host cannot close a poll whose time is up: its timer does, as timed out", () => {
    const p = voted(opened({ durationMs: 5_000 }, 1, 1_000), [2], 1_500);
    expect(isOpen(p, 5_999)).toBe(true);
    expect(isDue(p, 5_999)).toBe(false);
    expect(isOpen(p, 6_000)).toBe(false);
    expect(isDue(p, 6_000)).toBe(true);
    expect(decideClose(p, 1, 6_000)).toMatchObject({ code: "POLL_NOT_OPEN" });
    expect(decideTimeout(p, 1, 6_250)).toEqual({
      kind: "closed",
      poll: { ...p, totals: [0, 0, 1], closedAtMs: 6_250, timedOut: true },
    });
  });

  it("the timer waits when it fires early and does nothing for a poll already closed or replaced", () => {
    const p = opened({ durationMs: 5_000 }, 1, 1_000);
    expect(decideTimeout(p, 1, 5_000)).toEqual({ kind: "notYet", atMs: 6_000 });
    const closed = decideClose(p, 1, 3_000);
    if (!closed.ok) throw new Error(closed.message);
    expect(decideTimeout(closed.poll, 1, 6_000)).toEqual({ kind: "none" });
    expect(decideTimeout(opened({ durationMs: 5_000 }, 2, 7_000), 1, 12_000)).toEqual({ kind: "none" });
    expect(decideTimeout(opened({}, 1), 1, 1e12)).toEqual({ kind: "none" });
    expect(decideTimeout(null, 1, 0)).toEqual({ kind: "none" });
  });
});

describe("the totals tick", () => {
  it("shows the totals only when they moved since the last shown", () => {
    const p = voted(opened(), [0, 2, 2]);
    expect(tickTotals(p, 0)).toEqual({ pollId: 1, totals: [1, 0, 2], votes: 3 });
    expect(tickTotals(p, 3)).toBeNull();
    expect(tickTotals(opened(), 0)).toBeNull();
    expect(tickTotals(null, 0)).toBeNull();
  });

  it("shows nothing for a closed poll: its POLL_CLOSED carries the final totals", () => {
    const d = decideClose(voted(opened(), [1]), 1, 3_000);
    if (!d.ok) throw new Error(d.message);
    expect(tickTotals(d.poll, 0)).toBeNull();
  });

  it("schedules a tick a full tick after a vote unless one is coming (or one is overdue by over a second)", () => {
    expect(planTick(null, 1_000)).toBe(1_500);
    expect(planTick(1_500, 1_200)).toBeNull();
    expect(planTick(1_500, 2_500)).toBeNull();
    expect(planTick(1_500, 2_501)).toBe(3_001);
    expect(planTick(null, 1_000, 200)).toBe(1_200);
  });
});
