// What the viewer page says, kept apart from the DOM so the wording can be tested and changed in one place.
import { liveroom } from "../../../client/index";
import { formatCents } from "../shared/money";
import type { MyResult, MyStatus, ViewState } from "./state";

export const STATUS_LABEL: Record<MyStatus, string> = {
  spectator: "Spectator",
  playing: "Playing",
  out: "Out",
  winner: "Winner",
};

/** The line under the options: sealed, my result, or why I cannot answer. */
/** The room's online count, for the top bar. */
export function onlineText(online: number): string {
  return `${online.toLocaleString("en-US")} online`;
}

export function quizNote(s: ViewState, secondsLeft: number): string {
  const q = s.question;
  if (!q) return "";
  if (s.reveal) return s.result ? resultText(s.result) : revealedText(s);
  if (s.answer) {
    const label = s.answer.option === undefined ? "" : ` “${q.options[s.answer.option] ?? ""}”`;
    return `Answer${label} sealed — your result opens at the reveal.`;
  }
  if (s.answerError) return s.answerError;
  if (s.status === "out") return "You're out of the game — keep watching as a spectator.";
  if (s.status === "spectator" && q.question > 0)
    return "You joined after the first question: you're watching.";
  if (secondsLeft <= 0) return "Time's up — waiting for the reveal.";
  return "Pick an answer before the time runs out.";
}

function revealedText(s: ViewState): string {
  if (s.status === "spectator") return "You're watching as a spectator.";
  if (s.status === "out") return "You're out — keep watching as a spectator.";
  return "";
}

export function resultText(r: MyResult): string {
  switch (r.kind) {
    case "correct":
      return "✓ Correct! You're through.";
    case "revived":
      return r.missed
        ? "No answer in time — but your revival card saved you. You're still in!"
        : "Wrong — but your revival card saved you. You're still in!";
    case "out":
      return r.missed
        ? "✗ No answer in time — you're out. Keep watching as a spectator."
        : "✗ Wrong — you're out. Keep watching as a spectator.";
  }
}

/** The card shown while no question is up. */
export function lobbyText(s: ViewState): { title: string; text: string } {
  const pool = `Prize pool ${formatCents(s.prizePoolCents)}`;
  if (s.phase === liveroom.Phase.CREATED) {
    return { title: "The room isn't open yet", text: `The show starts soon. ${pool}.` };
  }
  return {
    title: "Waiting for the first question…",
    text: `${pool}, shared by everyone who answers all ${s.questionCount} questions right.`,
  };
}

/** The game-over card. */
export function overText(s: ViewState): { title: string; text: string } {
  const g = s.gameOver;
  if (!g) return { title: "", text: "" };
  const share =
    g.winners === 0
      ? "Nobody made it to the end this time."
      : `${g.winners} ${g.winners === 1 ? "winner shares" : "winners share"} ${formatCents(g.prizePoolCents)}.`;
  if (s.status === "winner") {
    return { title: `★ You won ${formatCents(s.prizeCents)}!`, text: `The show has ended. ${share}` };
  }
  return { title: "The show has ended", text: share };
}

/** A failed answer, in words. */
export function answerFailure(codeName: string): string {
  switch (codeName) {
    case "TOO_LATE":
      return "Too late — the answer window closed.";
    case "ELIMINATED":
      return "You're out of the game — keep watching.";
    case "MISSED_EARLIER":
      return "You joined after the first question: you're watching as a spectator.";
    case "NOT_RUNNING":
    case "NOT_CURRENT_QUESTION":
      return "This question is closed.";
    case "NOT_CONNECTED":
    case "DISCONNECTED":
    case "TIMEOUT":
      return "Your answer didn't get through — check your connection and try again.";
    default:
      return `Your answer was refused (${codeName}).`;
  }
}
