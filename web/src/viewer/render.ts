// Draws the viewer state into the page's fixed markup (index.html). Idempotent: called on every
// change and every countdown tick.
import { liveroom } from "../../../client/index";
import { byId, h, setText, show } from "../shared/dom";
import { formatCents } from "../shared/money";
import { playable } from "../shared/player";
import type { ViewState } from "./state";
import { lobbyText, onlineText, overText, quizNote, STATUS_LABEL } from "./texts";

/** Page-local facts the reducer does not hold: the clock and an answer on its way. */
export interface Frame {
  serverNow: number;
  pendingOption: number | undefined;
  /** The stream could not be played (shared/player.ts): the placeholder shows instead of a black video. */
  streamFailed: boolean;
}

export interface ViewerView {
  render(s: ViewState, f: Frame): void;
  /** Calls `pick(question, option)` when an answer button is pressed. */
  onAnswer(pick: (question: number, option: number) => void): void;
}

const CONN_LABEL: Record<ViewState["conn"], string> = {
  connecting: "connecting…",
  open: "live",
  reconnecting: "reconnecting…",
  closed: "offline",
};

export function secondsLeft(s: ViewState, serverNow: number): number {
  const q = s.question;
  if (!q || s.reveal) return 0;
  return Math.max(0, Math.ceil((q.deadlineMs - serverNow) / 1000));
}

export function createViewerView(): ViewerView {
  const $ = {
    title: byId("title", HTMLElement),
    conn: byId("conn", HTMLElement),
    online: byId("online", HTMLElement),
    banner: byId("banner", HTMLElement),
    game: byId("game", HTMLElement),
    fatal: byId("fatal", HTMLElement),
    fatalTitle: byId("fatal-title", HTMLElement),
    fatalText: byId("fatal-text", HTMLElement),
    video: byId("video", HTMLVideoElement),
    placeholder: byId("stage-placeholder", HTMLElement),
    meName: byId("me-name", HTMLElement),
    meStatus: byId("me-status", HTMLElement),
    meRevival: byId("me-revival", HTMLElement),
    meGrabbed: byId("me-grabbed", HTMLElement),
    lobby: byId("lobby", HTMLElement),
    lobbyTitle: byId("lobby-title", HTMLElement),
    lobbyText: byId("lobby-text", HTMLElement),
    quiz: byId("quiz", HTMLElement),
    qIndex: byId("q-index", HTMLElement),
    qTimer: byId("q-timer", HTMLElement),
    qBar: byId("q-bar", HTMLElement),
    qText: byId("q-text", HTMLElement),
    qOptions: byId("q-options", HTMLElement),
    qNote: byId("q-note", HTMLElement),
    qVerified: byId("q-verified", HTMLElement),
    over: byId("over", HTMLElement),
    overTitle: byId("over-title", HTMLElement),
    overText: byId("over-text", HTMLElement),
  };
  let shownQuestion = -1;
  let pick: (question: number, option: number) => void = () => {};

  function drawOptions(s: ViewState, f: Frame, left: number): void {
    const q = s.question!;
    if (shownQuestion !== q.question) {
      shownQuestion = q.question;
      $.qOptions.replaceChildren(
        ...q.options.map((text, i) => {
          const b = h("button", { type: "button", class: "option", "data-option": String(i) });
          b.append(h("span", { class: "option-text" }, text), h("span", { class: "option-count" }));
          b.addEventListener("click", () => pick(q.question, i));
          return b;
        }),
      );
    }
    const canAnswer =
      !s.reveal &&
      !s.answer &&
      f.pendingOption === undefined &&
      s.phase === liveroom.Phase.ASKING &&
      left > 0 &&
      s.conn === "open" &&
      (s.status === "playing" || (s.status === "spectator" && q.question === 0));
    const buttons = $.qOptions.querySelectorAll<HTMLButtonElement>("button.option");
    buttons.forEach((b, i) => {
      b.disabled = !canAnswer;
      const chosen = s.answer?.option === i || f.pendingOption === i;
      b.setAttribute("aria-pressed", String(chosen));
      const revealed = s.reveal !== undefined;
      b.toggleAttribute("data-correct", revealed && s.reveal?.correct === i);
      b.toggleAttribute("data-wrong", revealed && chosen && s.reveal?.correct !== i);
      const count = b.querySelector<HTMLElement>(".option-count")!;
      setText(count, revealed ? String(s.reveal?.counts[i] ?? 0) : "");
      b.setAttribute(
        "aria-label",
        revealed
          ? `${q.options[i]}: ${s.reveal?.counts[i] ?? 0} answers${s.reveal?.correct === i ? ", correct" : ""}`
          : (q.options[i] ?? ""),
      );
    });
  }

  function drawQuiz(s: ViewState, f: Frame): void {
    const q = s.question;
    show($.quiz, q !== undefined && !s.gameOver);
    if (!q) return;
    const left = secondsLeft(s, f.serverNow);
    setText($.qIndex, `Question ${q.question + 1} of ${q.questionCount || s.questionCount}`);
    setText($.qTimer, s.reveal ? "revealed" : left > 0 ? `${left}s` : "time's up");
    $.qTimer.dataset.urgent = String(!s.reveal && left > 0 && left <= 3);
    const fraction = s.reveal || q.windowMs === 0 ? 0 : (q.deadlineMs - f.serverNow) / q.windowMs;
    $.qBar.style.width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
    setText($.qText, q.text);
    drawOptions(s, f, left);
    setText($.qNote, quizNote(s, left));
    show($.qVerified, s.reveal !== undefined);
    setText($.qVerified, s.reveal === undefined ? "" : s.reveal.verified ? "verified ✓" : "not verified");
    $.qVerified.dataset.verified = String(s.reveal?.verified ?? false);
    $.qVerified.title = s.reveal?.verified
      ? "The reveal opened the commitment to the correct answer sent with the question"
      : "This page could not check the reveal against a commitment sent with the question";
    $.quiz.dataset.result = s.result?.kind ?? (s.answer ? "sealed" : "");
  }

  // The player itself is main.ts's (shared/player.ts): this only shows it or the placeholder.
  function drawStream(url: string, failed: boolean): void {
    const has = playable(url) && !failed;
    show($.video, has);
    show($.placeholder, !has);
  }

  function render(s: ViewState, f: Frame): void {
    setText($.title, s.title || "liveroom");
    setText($.conn, CONN_LABEL[s.conn]);
    $.conn.dataset.state = s.conn;
    // Known from the welcome on; then ONLINE_COUNT keeps it.
    show($.online, s.userId !== "");
    setText($.online, onlineText(s.online));
    const lost = s.conn === "reconnecting" || (s.conn === "closed" && !s.fatal && s.wasLost);
    show($.banner, lost);
    if (lost) {
      setText(
        $.banner,
        s.conn === "reconnecting"
          ? "Connection lost — reconnecting… your game is kept."
          : "Connection lost. Check your network, then reload the page.",
      );
    }
    show($.fatal, s.fatal !== undefined);
    if (s.fatal) {
      setText($.fatalTitle, s.fatal.title);
      setText($.fatalText, s.fatal.text);
    }
    show($.game, !s.fatal && s.userId !== "");
    if (!s.userId) return;

    drawStream(s.streamUrl, f.streamFailed);
    setText($.meName, s.userId);
    setText($.meStatus, STATUS_LABEL[s.status]);
    $.meStatus.dataset.status = s.status;
    setText($.meRevival, s.revivalCards === 1 ? "1 revival card" : `${s.revivalCards} revival cards`);
    show($.meGrabbed, s.grabbed > 0 || s.grabbedCents > 0);
    setText($.meGrabbed, `Red packets: ${s.grabbed} · ${formatCents(s.grabbedCents)}`);

    const idle = !s.question && !s.gameOver;
    show($.lobby, idle);
    if (idle) {
      const t = lobbyText(s);
      setText($.lobbyTitle, t.title);
      setText($.lobbyText, t.text);
    }
    drawQuiz(s, f);
    show($.over, s.gameOver !== undefined);
    if (s.gameOver) {
      const t = overText(s);
      setText($.overTitle, t.title);
      setText($.overText, t.text);
    }
  }

  return {
    render,
    onAnswer(fn) {
      pick = fn;
    },
  };
}
