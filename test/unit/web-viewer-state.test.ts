import { describe, expect, test } from "vitest";
import { liveroom, type QuestionInfo, type RevealInfo, type Welcome } from "../../client/index";
import { type Action, initialState, type Memo, reduce, type ViewState } from "../../web/src/viewer/state";
import { overText, quizNote } from "../../web/src/viewer/texts";

const memo: Memo = { options: {}, grabbedCents: 0 };

const q = (question: number): QuestionInfo => ({
  question,
  text: `Q${question}`,
  options: ["a", "b", "c"],
  deadlineMs: 10_000,
  windowMs: 10_000,
  streamTsMs: 0,
  questionCount: 3,
  commitment: new Uint8Array(32),
  delayBudgetMs: 0,
});

const reveal = (question: number, correct = 1): RevealInfo & { verified: boolean } => ({
  question,
  correct,
  key: new Uint8Array(16),
  counts: [1, 2, 0],
  streamTsMs: 0,
  salt: new Uint8Array(16),
  verified: true,
});

function welcome(
  over: { room?: Partial<Welcome["room"]>; player?: Partial<Welcome["player"]> } = {},
): Welcome {
  return {
    userId: "carol",
    role: liveroom.Role.VIEWER,
    roomSeq: 1,
    serverTimeMs: 0,
    reconnectWindowMs: 1000,
    shard: 0,
    room: {
      activityId: "demo",
      title: "Demo",
      phase: liveroom.Phase.LOBBY,
      questionCount: 3,
      current: undefined,
      lastReveal: undefined,
      prizePoolCents: 100_000,
      streamUrl: "",
      online: 3,
      gameOver: undefined,
      rain: undefined,
      likes: 0,
      poll: undefined,
      slowModeSeconds: 0,
      ...over.room,
    },
    player: {
      status: liveroom.PlayerStatus.SPECTATOR,
      revivalCards: 1,
      revivalUsed: false,
      passed: -1,
      sealed: undefined,
      prizeCents: 0,
      grabbed: 0,
      pollChoice: -1,
      ...over.player,
    },
  };
}

const play = (actions: Action[], from: ViewState = initialState) => actions.reduce(reduce, from);
const joined = play([{ type: "welcome", welcome: welcome(), memo }]);

describe("the viewer's game", () => {
  test("a live reveal keeps the SDK's verified; a reveal first seen in a snapshot is not verified", () => {
    const live = play(
      [
        { type: "question", question: q(0) },
        { type: "reveal", reveal: reveal(0) },
      ],
      joined,
    );
    expect(live.reveal?.verified).toBe(true);
    const { verified: _, ...info } = reveal(0);
    const snapshot = welcome({ room: { phase: liveroom.Phase.REVEALED, current: q(0), lastReveal: info } });
    // A reconnect's snapshot of the reveal this page verified live: still verified.
    expect(reduce(live, { type: "welcome", welcome: snapshot, memo }).reveal?.verified).toBe(true);
    // After a reload the reveal arrives with its commitment in one snapshot: nothing was checked.
    expect(reduce(initialState, { type: "welcome", welcome: snapshot, memo }).reveal?.verified).toBe(false);
    expect(reduce(live, { type: "reveal", reveal: { ...reveal(0), verified: false } }).reveal?.verified).toBe(
      true,
    ); // a repeated reveal changes nothing
  });

  test("answering the first question makes a spectator a player; the result waits for the reveal", () => {
    const s = play(
      [
        { type: "question", question: q(0) },
        { type: "answered", question: 0, option: 2 },
      ],
      joined,
    );
    expect(s.status).toBe("playing");
    expect(quizNote(s, 5)).toContain("“c” sealed");
    const revealed = reduce(s, { type: "reveal", reveal: reveal(0) });
    expect(revealed.result).toBeUndefined(); // the outcome event brings it
    const out = reduce(revealed, { type: "outcome", question: 0, outcome: 2 });
    expect(out).toMatchObject({ status: "playing", revivalCards: 0, revivalUsed: true });
    expect(out.result).toEqual({ question: 0, kind: "revived", missed: false });
  });

  test("a wrong answer without a card is out; a missed question with no card is out too", () => {
    const noCard = play([{ type: "welcome", welcome: welcome({ player: { revivalCards: 0 } }), memo }]);
    const wrong = play(
      [
        { type: "question", question: q(0) },
        { type: "answered", question: 0, option: 0 },
        { type: "reveal", reveal: reveal(0) },
        { type: "outcome", question: 0, outcome: 3 },
      ],
      noCard,
    );
    expect(wrong.status).toBe("out");
    const passed = play(
      [
        { type: "question", question: q(0) },
        { type: "answered", question: 0, option: 1 },
        { type: "reveal", reveal: reveal(0) },
        { type: "outcome", question: 0, outcome: 1 },
        { type: "question", question: q(1) },
        { type: "reveal", reveal: reveal(1) },
      ],
      noCard,
    );
    expect(passed.status).toBe("out");
    expect(passed.result).toEqual({ question: 1, kind: "out", missed: true });
  });

  test("a missed question uses the card once, like the room does", () => {
    const s = play(
      [
        { type: "question", question: q(0) },
        { type: "answered", question: 0, option: 1 },
        { type: "reveal", reveal: reveal(0) },
        { type: "outcome", question: 0, outcome: 1 },
        { type: "question", question: q(1) },
        { type: "reveal", reveal: reveal(1) },
      ],
      joined,
    );
    expect(s).toMatchObject({ status: "playing", revivalCards: 0, revivalUsed: true });
    expect(s.result).toEqual({ question: 1, kind: "revived", missed: true });
  });

  test("a spectator who never joined stays a spectator", () => {
    const s = play(
      [
        { type: "question", question: q(0) },
        { type: "reveal", reveal: reveal(0) },
      ],
      joined,
    );
    expect(s.status).toBe("spectator");
    expect(s.result).toBeUndefined();
  });

  test("the game over makes survivors winners; the prize shows exactly", () => {
    const s = play(
      [
        { type: "question", question: q(0) },
        { type: "answered", question: 0, option: 1 },
        { type: "reveal", reveal: reveal(0) },
        { type: "outcome", question: 0, outcome: 1 },
        {
          type: "gameOver",
          gameOver: { prizePoolCents: 100_001, winners: 2, baseShareCents: 50_000, remainder: 1 },
        },
        { type: "prize", cents: 50_001 },
      ],
      joined,
    );
    expect(s.status).toBe("winner");
    expect(overText(s)).toEqual({
      title: "★ You won ¥500.01!",
      text: "The show has ended. 2 winners share ¥1,000.01.",
    });
  });
});

describe("the snapshot after a reconnect or reload", () => {
  test("a sealed answer stays sealed even though the snapshot's status already says out", () => {
    const w = welcome({
      room: { phase: liveroom.Phase.ASKING, current: q(1) },
      player: { status: liveroom.PlayerStatus.OUT, sealed: new Uint8Array([7]), revivalCards: 0 },
    });
    const s = reduce(initialState, {
      type: "welcome",
      welcome: w,
      memo: { options: { "1": 0 }, grabbedCents: 0 },
    });
    expect(s.status).toBe("playing");
    expect(s.answer).toEqual({ question: 1, option: 0 });
    expect(quizNote(s, 3)).toContain("“a” sealed");
  });

  test("notifications replayed from before the snapshot change nothing", () => {
    const w = welcome({ room: { phase: liveroom.Phase.ASKING, current: q(2) } });
    const s = reduce(initialState, { type: "welcome", welcome: w, memo });
    const after = play(
      [
        { type: "reveal", reveal: reveal(1) },
        { type: "question", question: q(1) },
      ],
      s,
    );
    expect(after.question?.question).toBe(2);
    expect(after.reveal).toBeUndefined();
  });

  test("a running rain and grants survive; the memo keeps what was granted before a reload", () => {
    const rain = {
      rain: 0,
      packets: 2,
      packetsLeft: 2,
      endsAtMs: 99_000,
      throttlePpm: 1_000_000,
      cap: 3,
      streamTsMs: 0,
    };
    let s = play(
      [
        { type: "rainStarted", rain },
        { type: "granted", rain: 0, amountCents: 120, grabbed: 1 },
        { type: "grabStopped", rain: 0, stop: "cap" },
      ],
      joined,
    );
    expect(s.rain).toMatchObject({ running: true, mine: 1, mineCents: 120, stop: "cap" });
    s = reduce(s, { type: "rainEnded", rain: 0, packetsLeft: 0 });
    expect(s.rain?.running).toBe(false);
    const reloaded = reduce(initialState, {
      type: "welcome",
      welcome: welcome({ player: { grabbed: 1 } }),
      memo: { options: {}, grabbedCents: 120 },
    });
    expect(reloaded).toMatchObject({ grabbed: 1, grabbedCents: 120 });
  });
});
