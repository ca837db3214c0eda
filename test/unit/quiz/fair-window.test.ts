import { describe, expect, it } from "vitest";
import { toStamp } from "../../../client/stream-time";
import { judgeAnswer } from "../../../durable-objects/features/quiz/answer";
import { fairWindow, inTime, pushedAtMs } from "../../../durable-objects/features/quiz/fair-window";
import { decidePush } from "../../../durable-objects/features/quiz/operator";
import type { CurrentQuestion } from "../../../durable-objects/features/quiz/state";
import { activity, player } from "./fixtures";

// The host saw stream position T (epoch ms of the picture) when it pushed at room time 100_000.
const T = Date.parse("2026-01-01T20:00:30.000Z");
const PUSH = 100_000;
const WINDOW = 10_000;
const BUDGET = 6_000;

const question = (over: Partial<CurrentQuestion> = {}): CurrentQuestion => ({
  index: 0,
  deadlineMs: PUSH + WINDOW + BUDGET,
  windowMs: WINDOW,
  streamTsMs: toStamp(T),
  keyB64: "AAAAAAAAAAAAAAAAAAAAAA==",
  delayBudgetMs: BUDGET,
  ...over,
});

/** An honest viewer `delay` ms behind the host answers `after` ms after their picture reached T. */
const honest = (delay: number, after: number) => ({
  streamPosMs: toStamp(T + after),
  nowMs: PUSH + delay + after,
});

describe("fairWindow", () => {
  it("counts the window from when a delayed viewer's picture reached T", () => {
    expect(fairWindow(question(), honest(4_000, 9_000))).toEqual({
      shownAtMs: 104_000,
      deadlineMs: 114_000,
      reported: true,
    });
  });

  it("gives a viewer exactly as far behind as the budget the whole window, and no more", () => {
    const q = question();
    expect(fairWindow(q, honest(BUDGET, 0)).deadlineMs).toBe(PUSH + BUDGET + WINDOW);
    // Reporting a picture further behind than the budget earns nothing beyond it.
    expect(fairWindow(q, honest(BUDGET + 5_000, 0))).toEqual({
      shownAtMs: PUSH + BUDGET,
      deadlineMs: PUSH + BUDGET + WINDOW,
      reported: true,
    });
  });

  it("never counts from before the push: a player ahead of the host gets the window from the push", () => {
    // 2 s ahead of the host: its picture passed T 2 s before the question arrived.
    expect(fairWindow(question(), honest(-2_000, 5_000))).toEqual({
      shownAtMs: PUSH,
      deadlineMs: PUSH + WINDOW,
      reported: true,
    });
  });

  it("counts from the push for an answer without a position, an unstamped question, or no budget", () => {
    const fromPush = { shownAtMs: PUSH, deadlineMs: PUSH + WINDOW, reported: false };
    expect(fairWindow(question(), { streamPosMs: 0, nowMs: PUSH + 12_000 })).toEqual(fromPush);
    expect(fairWindow(question({ streamTsMs: 0 }), honest(4_000, 1_000))).toEqual(fromPush);
    const noBudget = question({ deadlineMs: PUSH + WINDOW, delayBudgetMs: undefined });
    expect(pushedAtMs(noBudget)).toBe(PUSH);
    expect(fairWindow(noBudget, honest(4_000, 1_000))).toEqual(fromPush);
  });

  it("reads stamps across the 2^32 wrap", () => {
    // A stamp just below 2^32 and a position 3 s later whose low 32 bits wrapped to small numbers.
    const t = 2 ** 32 * 400 - 1_000;
    const q = question({ streamTsMs: toStamp(t) });
    expect(toStamp(t + 3_000)).toBe(2_000);
    expect(fairWindow(q, { streamPosMs: toStamp(t + 3_000), nowMs: PUSH + 5_000 }).shownAtMs).toBe(
      PUSH + 2_000,
    );
  });
});

describe("inTime", () => {
  it("accepts up to the viewer's deadline plus grace, to the millisecond", () => {
    const q = question();
    expect(inTime(q, honest(4_000, WINDOW + 500), 500)).toBe(true);
    expect(inTime(q, honest(4_000, WINDOW + 501), 500)).toBe(false);
  });

  it("bounds a cheater who reads the early frame: at most the budget more than a viewer with no delay", () => {
    const q = question();
    // The best lie: a position that puts its show time at push + budget, answering at the last moment.
    const latest = { streamPosMs: toStamp(T + WINDOW), nowMs: PUSH + BUDGET + WINDOW };
    expect(inTime(q, latest, 0)).toBe(true);
    // Any later, whatever position it reports, is too late.
    for (const pos of [T - 60_000, T, T + 1, T + WINDOW, T + WINDOW + 1]) {
      expect(inTime(q, { streamPosMs: toStamp(pos), nowMs: PUSH + BUDGET + WINDOW + 1 }, 0)).toBe(false);
    }
    // Without a position it gets the window from the push only.
    expect(inTime(q, { streamPosMs: 0, nowMs: PUSH + WINDOW + 1 }, 0)).toBe(false);
  });
});

describe("wired into the rules", () => {
  it("decidePush puts the budget in the deadline and the question", () => {
    const room = { activity, phase: "lobby" as const, current: null, reveal: null, gameOver: null };
    const d = decidePush(room, {
      question: 0,
      nowMs: PUSH,
      streamTsMs: toStamp(T),
      keyB64: "k",
      delayBudgetMs: BUDGET,
    });
    expect(d.kind === "ok" && d.room.current).toEqual({
      index: 0,
      deadlineMs: PUSH + WINDOW + BUDGET,
      windowMs: WINDOW,
      streamTsMs: toStamp(T),
      keyB64: "k",
      delayBudgetMs: BUDGET,
    });
    const none = decidePush(room, { question: 0, nowMs: PUSH, streamTsMs: 0, keyB64: "k" });
    expect(none.kind === "ok" && none.room.current).toEqual({
      index: 0,
      deadlineMs: PUSH + WINDOW,
      windowMs: WINDOW,
      streamTsMs: 0,
      keyB64: "k",
    });
  });

  it("judgeAnswer says TOO_LATE past the fair window and accepts within it", () => {
    const room = { activity, phase: "asking" as const, current: question(), reveal: null, gameOver: null };
    const input = { room, player: player(), alreadyAnswered: false, question: 0, option: 1, graceMs: 500 };
    expect(judgeAnswer({ ...input, ...honest(4_000, 10_500) })).toMatchObject({
      kind: "accepted",
      outcome: 1,
    });
    expect(judgeAnswer({ ...input, ...honest(4_000, 10_501) })).toEqual({
      kind: "rejected",
      code: "TOO_LATE",
    });
    // No position: the window counts from the push even though the room stays open for the budget.
    expect(judgeAnswer({ ...input, nowMs: PUSH + WINDOW + 501 })).toEqual({
      kind: "rejected",
      code: "TOO_LATE",
    });
  });
});
