import { describe, expect, it } from "vitest";
import { type AnswerInput, judgeAnswer, settleMissed } from "../../../durable-objects/features/quiz/answer";
import { asking, player } from "./fixtures";

const base = (over: Partial<AnswerInput> = {}): AnswerInput => ({
  room: asking(0),
  player: player(),
  alreadyAnswered: false,
  question: 0,
  option: 1,
  nowMs: 5_000,
  graceMs: 500,
  ...over,
});

describe("judgeAnswer", () => {
  it("accepts a right answer to the first question and makes the spectator a player", () => {
    const d = judgeAnswer(base());
    expect(d).toEqual({
      kind: "accepted",
      outcome: 1,
      usedRevival: false,
      player: { userId: "u1", status: "playing", passed: 0, revivalCards: 0, revivalUsed: false },
    });
  });

  it("eliminates a wrong answer without a card", () => {
    const d = judgeAnswer(base({ option: 0 }));
    expect(d).toMatchObject({ kind: "accepted", outcome: 3, player: { status: "out", passed: -1 } });
  });

  it("revives a wrong answer with a card, once per game", () => {
    const first = judgeAnswer(base({ option: 0, player: player({ revivalCards: 2 }) }));
    expect(first).toMatchObject({
      kind: "accepted",
      outcome: 2,
      usedRevival: true,
      player: { status: "playing", passed: 0, revivalCards: 1, revivalUsed: true },
    });
    if (first.kind !== "accepted") throw new Error("unreachable");
    const second = judgeAnswer(base({ room: asking(1), question: 1, option: 2, player: first.player }));
    expect(second).toMatchObject({
      kind: "accepted",
      outcome: 3,
      usedRevival: false,
      player: { status: "out" },
    });
  });

  it.each([
    ["UNKNOWN_QUESTION", { question: 3 }],
    ["NOT_RUNNING", { room: { ...asking(0), phase: "lobby" as const, current: null } }],
    ["NOT_CURRENT_QUESTION", { room: asking(1), question: 0 }],
    ["NOT_CURRENT_QUESTION", { question: 1 }],
    ["TOO_LATE", { nowMs: 10_501 }],
    ["TOO_LATE", { room: { ...asking(0), phase: "closed" as const } }],
    ["BAD_OPTION", { option: 2 }],
    ["ELIMINATED", { player: player({ status: "out" }) }],
    ["MISSED_EARLIER", { room: asking(1), question: 1, option: 0 }],
    [
      "MISSED_EARLIER",
      { room: asking(2), question: 2, option: 3, player: player({ status: "playing", passed: 0 }) },
    ],
    ["ALREADY_ANSWERED", { alreadyAnswered: true }],
  ] as const)("rejects with %s", (code, over) => {
    expect(judgeAnswer(base(over))).toEqual({ kind: "rejected", code });
  });

  it("answers a second answer ALREADY_ANSWERED whether the first was right or wrong (issue 12 #4)", () => {
    // Right first: the player is still playing. Wrong first (no card): the player is out, sealed.
    const right = judgeAnswer(base({ option: 1 }));
    const wrong = judgeAnswer(base({ option: 0 }));
    if (right.kind !== "accepted" || wrong.kind !== "accepted") throw new Error("unreachable");
    expect([right.outcome, wrong.outcome]).toEqual([1, 3]);
    for (const first of [right, wrong]) {
      for (const option of [0, 1]) {
        expect(judgeAnswer(base({ player: first.player, alreadyAnswered: true, option }))).toEqual({
          kind: "rejected",
          code: "ALREADY_ANSWERED",
        });
      }
    }
  });

  it("accepts an answer at the last millisecond of the grace", () => {
    expect(judgeAnswer(base({ nowMs: 10_500 })).kind).toBe("accepted");
  });
});

describe("settleMissed", () => {
  it("revives a player with an unused card and eliminates one without", () => {
    expect(settleMissed(player({ status: "playing", passed: 0, revivalCards: 1 }), 1)).toEqual({
      outcome: 2,
      usedRevival: true,
      player: { userId: "u1", status: "playing", passed: 1, revivalCards: 0, revivalUsed: true },
    });
    expect(
      settleMissed(player({ status: "playing", passed: 0, revivalCards: 1, revivalUsed: true }), 1),
    ).toEqual({
      outcome: 3,
      usedRevival: false,
      player: { userId: "u1", status: "out", passed: 0, revivalCards: 1, revivalUsed: true },
    });
  });
});
