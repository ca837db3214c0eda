// The viewer page's state as a pure reducer: SDK events in, one plain value out. The DOM code only
// renders it, so every rule here (who is out, what stays sealed) is unit-tested without a browser.
import type { GameOverInfo, QuestionInfo, RainInfo, RevealInfo, Welcome } from "../../../client/index";
import { liveroom } from "../../../client/index";

export type Conn = "connecting" | "open" | "reconnecting" | "closed";
export type MyStatus = "spectator" | "playing" | "out" | "winner";
export type ResultKind = "correct" | "revived" | "out";

/** A page-stopping problem: shown instead of the game. */
export interface Fatal {
  title: string;
  text: string;
}

/**
 * The reveal shown, with whether it opened the commitment this page received with the question
 * (the SDK's `verified`). A reveal first seen in a snapshot (after a reload) is not verified.
 */
export type ViewReveal = RevealInfo & { verified: boolean };

/** My result for the revealed question; `missed` when I did not answer it in time. */
export interface MyResult {
  question: number;
  kind: ResultKind;
  missed: boolean;
}

export interface RainView extends RainInfo {
  running: boolean;
  /** Packets I got in this rain and their sum. */
  mine: number;
  mineCents: number;
  /** Why my tapping is over before the rain is: the cap, or the pool ran dry. */
  stop: "cap" | "empty" | undefined;
}

export interface ViewState {
  conn: Conn;
  /** Set once a session was lost, so that "open" again reads as "reconnected". */
  wasLost: boolean;
  fatal: Fatal | undefined;
  userId: string;
  title: string;
  phase: liveroom.Phase;
  questionCount: number;
  prizePoolCents: number;
  streamUrl: string;
  online: number;
  status: MyStatus;
  revivalCards: number;
  revivalUsed: boolean;
  question: QuestionInfo | undefined;
  /** My answer to the current question; `option` is unknown after a reload that lost it. */
  answer: { question: number; option: number | undefined } | undefined;
  answerError: string | undefined;
  reveal: ViewReveal | undefined;
  result: MyResult | undefined;
  gameOver: GameOverInfo | undefined;
  prizeCents: number;
  rain: RainView | undefined;
  /** Packets grabbed in the activity (the room's count) and the cents I saw granted. */
  grabbed: number;
  grabbedCents: number;
}

/** What the page remembers across reloads (sessionStorage): my chosen options and grants. */
export interface Memo {
  options: Record<string, number>;
  grabbedCents: number;
}

export type Action =
  | { type: "connection"; state: Conn }
  | { type: "fatal"; fatal: Fatal }
  | { type: "welcome"; welcome: Welcome; memo: Memo }
  | { type: "roomOpened"; title: string; questionCount: number }
  /** The room's online count over every shard (ONLINE_COUNT, at most once a second). */
  | { type: "online"; online: number }
  | { type: "question"; question: QuestionInfo }
  | { type: "answered"; question: number; option: number }
  | { type: "answerFailed"; question: number; message: string }
  | { type: "reveal"; reveal: ViewReveal }
  | { type: "outcome"; question: number; outcome: number }
  | { type: "gameOver"; gameOver: GameOverInfo }
  | { type: "prize"; cents: number }
  | { type: "rainStarted"; rain: RainInfo }
  | { type: "throttle"; rain: number; throttlePpm: number; packetsLeft: number }
  | { type: "rainEnded"; rain: number; packetsLeft: number }
  | { type: "granted"; rain: number; amountCents: number; grabbed: number }
  | { type: "grabStopped"; rain: number; stop: "cap" | "empty" };

export const initialState: ViewState = {
  conn: "connecting",
  wasLost: false,
  fatal: undefined,
  userId: "",
  title: "",
  phase: liveroom.Phase.CREATED,
  questionCount: 0,
  prizePoolCents: 0,
  streamUrl: "",
  online: 0,
  status: "spectator",
  revivalCards: 0,
  revivalUsed: false,
  question: undefined,
  answer: undefined,
  answerError: undefined,
  reveal: undefined,
  result: undefined,
  gameOver: undefined,
  prizeCents: 0,
  rain: undefined,
  grabbed: 0,
  grabbedCents: 0,
};

const STATUS: Record<liveroom.PlayerStatus, MyStatus> = {
  [liveroom.PlayerStatus.SPECTATOR]: "spectator",
  [liveroom.PlayerStatus.PLAYING]: "playing",
  [liveroom.PlayerStatus.OUT]: "out",
  [liveroom.PlayerStatus.WINNER]: "winner",
};

const RESULT: Record<number, ResultKind | undefined> = { 1: "correct", 2: "revived", 3: "out" };

function rainView(info: RainInfo, prev: RainView | undefined): RainView {
  const same = prev?.rain === info.rain;
  return {
    ...info,
    running: info.packetsLeft > 0,
    mine: same ? prev.mine : 0,
    mineCents: same ? prev.mineCents : 0,
    stop: same ? prev.stop : undefined,
  };
}

function fromWelcome(s: ViewState, w: Welcome, memo: Memo): ViewState {
  const current = w.room.current;
  const last = current && w.room.lastReveal?.question === current.question ? w.room.lastReveal : undefined;
  // A snapshot carries the commitment and its opening together, which proves nothing: only a reveal
  // this page already verified live stays verified.
  const reveal: ViewReveal | undefined = last && {
    ...last,
    verified: s.reveal?.question === last.question && s.reveal.verified,
  };
  const sealed = current !== undefined && w.player.sealed !== undefined;
  // The snapshot's status already reflects an answer not yet revealed; show the sealed state instead.
  const hideOutcome = sealed && reveal === undefined;
  const sameUser = s.userId === w.userId;
  const status = STATUS[w.player.status] ?? "spectator";
  return {
    ...s,
    fatal: undefined,
    userId: w.userId,
    title: w.room.title,
    phase: w.room.phase,
    questionCount: w.room.questionCount,
    prizePoolCents: w.room.prizePoolCents,
    streamUrl: w.room.streamUrl,
    online: w.room.online,
    status: hideOutcome && status === "out" ? "playing" : status,
    revivalCards: hideOutcome && sameUser ? s.revivalCards : w.player.revivalCards,
    revivalUsed: hideOutcome && sameUser ? s.revivalUsed : w.player.revivalUsed,
    question: current,
    answer: sealed
      ? { question: current.question, option: memo.options[String(current.question)] }
      : undefined,
    answerError: undefined,
    reveal,
    // The SDK re-emits my outcome from the snapshot when the reveal is in it.
    result: reveal && s.result?.question === reveal.question ? s.result : undefined,
    gameOver: w.room.gameOver,
    prizeCents: w.player.prizeCents,
    rain: w.room.rain ? rainView(w.room.rain, s.rain) : s.rain ? { ...s.rain, running: false } : undefined,
    grabbed: w.player.grabbed,
    grabbedCents: Math.max(s.grabbedCents, memo.grabbedCents),
  };
}

// A player who did not answer is settled like a wrong answer when the window closes (docs/protocol.md).
function missedResult(s: ViewState, question: number): Partial<ViewState> {
  if (s.status !== "playing") return {};
  if (s.revivalCards > 0 && !s.revivalUsed) {
    return {
      revivalCards: s.revivalCards - 1,
      revivalUsed: true,
      result: { question, kind: "revived", missed: true },
    };
  }
  return { status: "out", result: { question, kind: "out", missed: true } };
}

/** The next state. Notifications replayed after a reconnect may be older than the snapshot: those change nothing. */
export function reduce(s: ViewState, a: Action): ViewState {
  switch (a.type) {
    case "connection":
      return { ...s, conn: a.state, wasLost: s.wasLost || a.state === "reconnecting" };
    case "fatal":
      return { ...s, fatal: a.fatal, conn: "closed" };
    case "welcome":
      return fromWelcome(s, a.welcome, a.memo);
    case "online":
      return { ...s, online: a.online };
    case "roomOpened":
      if (s.phase !== liveroom.Phase.CREATED) return s;
      return { ...s, phase: liveroom.Phase.LOBBY, title: a.title, questionCount: a.questionCount };
    case "question": {
      if (s.question && a.question.question <= s.question.question) return s;
      return {
        ...s,
        phase: liveroom.Phase.ASKING,
        question: a.question,
        questionCount: a.question.questionCount || s.questionCount,
        answer: undefined,
        answerError: undefined,
        reveal: undefined,
        result: undefined,
      };
    }
    case "answered":
      if (s.question?.question !== a.question) return s;
      return {
        ...s,
        answer: { question: a.question, option: a.option },
        answerError: undefined,
        // Answering the first question is what makes a viewer a player.
        status: s.status === "spectator" && a.question === 0 ? "playing" : s.status,
      };
    case "answerFailed":
      if (s.question?.question !== a.question) return s;
      return { ...s, answerError: a.message };
    case "reveal": {
      if (s.question?.question !== a.reveal.question || s.reveal) return s;
      const next: ViewState = { ...s, phase: liveroom.Phase.REVEALED, reveal: a.reveal };
      if (s.answer?.question === a.reveal.question) return next; // the outcome event follows
      return { ...next, ...missedResult(s, a.reveal.question) };
    }
    case "outcome": {
      const kind = RESULT[a.outcome];
      if (!kind || s.result?.question === a.question || s.reveal?.question !== a.question) return s;
      const result: MyResult = { question: a.question, kind, missed: false };
      if (kind === "out") return { ...s, result, status: "out" };
      if (kind === "revived") {
        return {
          ...s,
          result,
          status: "playing",
          revivalCards: Math.max(0, s.revivalCards - 1),
          revivalUsed: true,
        };
      }
      return { ...s, result, status: "playing" };
    }
    case "gameOver":
      return {
        ...s,
        phase: liveroom.Phase.ENDED,
        gameOver: a.gameOver,
        status: s.status === "playing" ? "winner" : s.status,
      };
    case "prize":
      return { ...s, prizeCents: a.cents, status: "winner" };
    case "rainStarted":
      return { ...s, rain: rainView(a.rain, s.rain) };
    case "throttle":
      if (s.rain?.rain !== a.rain) return s;
      return { ...s, rain: { ...s.rain, throttlePpm: a.throttlePpm, packetsLeft: a.packetsLeft } };
    case "rainEnded":
      if (s.rain?.rain !== a.rain) return s;
      return { ...s, rain: { ...s.rain, running: false, packetsLeft: a.packetsLeft, throttlePpm: 0 } };
    case "granted": {
      if (s.rain?.rain !== a.rain) return s;
      const rain = { ...s.rain, mine: s.rain.mine + 1, mineCents: s.rain.mineCents + a.amountCents };
      return { ...s, rain, grabbed: a.grabbed, grabbedCents: s.grabbedCents + a.amountCents };
    }
    case "grabStopped":
      if (s.rain?.rain !== a.rain) return s;
      return { ...s, rain: { ...s.rain, stop: a.stop } };
  }
}
