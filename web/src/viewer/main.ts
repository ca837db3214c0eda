// The viewer page: join a room with a token, play the quiz, grab red packets, keep watching.
import {
  browserConnector,
  heldDeadline,
  LiveroomClient,
  type QuestionInfo,
  type Released,
  StreamHold,
  stampDiff,
  toStamp,
  type Welcome,
} from "../../../client/index";
import { byId, show } from "../shared/dom";
import { attachStream, playable, type StreamPlayer } from "../shared/player";
import { isExpired } from "../shared/jwt";
import { formatCents } from "../shared/money";
import { type JoinTarget, preflight, readTarget, tokenFatal } from "./join";
import { createRainOverlay } from "./rain";
import { createViewerView } from "./render";
import { wireChat } from "./chat";
import { createSocial } from "./social";
import { type Action, initialState, type Memo, reduce, type ViewState } from "./state";
import { answerFailure } from "./texts";

// First thing: the token leaves the address bar (into this tab's storage) before anything else runs.
const target = readTarget();

const view = createViewerView();
let state: ViewState = initialState;
let pendingOption: number | undefined;
let client: LiveroomClient | undefined;
let memoKey = "";

function loadMemo(): Memo {
  try {
    const m = JSON.parse(sessionStorage.getItem(memoKey) ?? "null") as Memo | null;
    if (m && typeof m.grabbedCents === "number" && typeof m.options === "object") return m;
  } catch {
    // a damaged memo is only a convenience lost
  }
  return { options: {}, grabbedCents: 0 };
}

function saveMemo(update: (m: Memo) => void): void {
  const m = loadMemo();
  update(m);
  sessionStorage.setItem(memoKey, JSON.stringify(m));
}

function render(): void {
  view.render(state, {
    serverNow: client?.serverNow() ?? Date.now(),
    pendingOption,
    streamFailed: player?.failed() ?? false,
  });
  rain.render(state);
}

function dispatch(a: Action): void {
  const mine = a.type === "rainEnded" && state.rain?.rain === a.rain ? state.rain : undefined;
  state = reduce(state, a);
  render();
  if (mine) say(`The rain is over: you grabbed ${mine.mine} packets, ${formatCents(mine.mineCents)}.`);
}

// ---- The stream and the hold (docs/protocol.md, "Fair answer windows") ----
// With a stream, what the room says ahead of the picture waits until the player shows that moment:
// a question, a reveal and a rain start by their stamp; everything else that follows them in order.
// Without one (or before the welcome says there is one), everything shows on arrival.

/** How long a reveal or a rain start may wait before any question told this page the activity's budget. */
const DEFAULT_HOLD_MS = 10_000;
let player: StreamPlayer | undefined;
let holdMs = DEFAULT_HOLD_MS;
const hold = new StreamHold<Action>({ maxHoldMs: DEFAULT_HOLD_MS });

function ensurePlayer(url: string): void {
  if (player !== undefined || !playable(url)) return;
  player = attachStream(byId("video", HTMLVideoElement), url);
  player.onChange(flush);
}

/** The player, unless there is none or it cannot play (a stream that fails is no stream). */
function playing(): StreamPlayer | undefined {
  return player?.failed() === false ? player : undefined;
}

/** Queues `a` behind the picture (`stamp`: the frame's stream_ts_ms; null: after what is queued). */
function held(a: Action, stamp: number | null, maxHoldMs = holdMs): void {
  if (playing() === undefined) {
    dispatch(a);
    return;
  }
  hold.push(a, stamp, Date.now(), maxHoldMs);
  flush();
}

function flush(): void {
  if (hold.size === 0) return;
  const p = playing();
  const released = p === undefined ? hold.drain(Date.now()) : hold.release(p.position(), Date.now());
  for (const r of released) {
    // The last release and why, for people debugging a show (and the browser tests).
    document.body.dataset.released = `${r.item.type}:${r.reason}`;
    dispatch(shown(r));
  }
}

/**
 * Says on the quiz card why its question is on screen: its player reached the stamp ("reached"), the
 * hold limit ("limit"), unstamped or on arrival without a stream ("unstamped", "arrival", "drained"),
 * or a snapshot ("snapshot"). For people debugging a show, and for the browser tests.
 */
function shownBy(how: string): void {
  byId("quiz", HTMLElement).dataset.shownBy = how;
}

/**
 * A question's countdown as the room will judge this page's answer (docs/protocol.md, "Fair answer
 * windows"): the window from the show, less how far the player already was past the stamp, when the
 * answer can report a position; from the push when it cannot (no picture yet, or an unstamped question).
 */
function countdown(q: QuestionInfo, aheadMs: number | undefined): QuestionInfo {
  const position = playing()?.position() ?? null;
  if (position === null || q.streamTsMs === 0) return { ...q, deadlineMs: heldDeadline(q, undefined) };
  const ahead = aheadMs ?? Math.max(0, stampDiff(toStamp(position), q.streamTsMs));
  return {
    ...q,
    deadlineMs: heldDeadline(q, { roomNowMs: client?.serverNow() ?? Date.now(), aheadMs: ahead }),
  };
}

/** A released action; a question's countdown starts now. */
function shown(r: Released<Action>): Action {
  const a = r.item;
  if (a.type !== "question") return a;
  shownBy(r.reason);
  return { ...a, question: countdown(a.question, r.aheadMs) };
}

/**
 * A snapshot (a reconnect — a deploy disconnects everyone — or a reload). Its question and reveal wait
 * for the picture like live ones when the player has not reached their stamps yet; otherwise they show
 * at once. What was held stays held: older than the snapshot, the reducer ignores what it overtook,
 * and a live reveal keeps its `verified`.
 */
function welcomed(w: Welcome): void {
  ensurePlayer(w.room.streamUrl);
  const { current, lastReveal } = w.room;
  if (current !== undefined) holdMs = current.delayBudgetMs;
  const position = playing()?.position() ?? null;
  const ahead = (stamp: number) =>
    position !== null && stamp !== 0 && stampDiff(toStamp(position), stamp) < 0;
  const reveal = lastReveal?.question === current?.question ? lastReveal : undefined;
  const holdQuestion = current !== undefined && ahead(current.streamTsMs);
  const holdReveal = reveal !== undefined && (holdQuestion || ahead(reveal.streamTsMs));
  const room = {
    ...w.room,
    current: current === undefined || holdQuestion ? undefined : countdown(current, undefined),
    lastReveal: holdReveal ? undefined : lastReveal,
  };
  if (room.current !== undefined) shownBy("snapshot");
  document.body.dataset.released = "welcome:snapshot";
  dispatch({ type: "welcome", welcome: { ...w, room }, memo: loadMemo() });
  if (holdQuestion) {
    // What is left of the budget since the push: past it the room would refuse the answer anyway.
    const left = current.deadlineMs - current.windowMs - (client?.serverNow() ?? Date.now());
    held({ type: "question", question: current }, current.streamTsMs, Math.max(0, left));
  }
  if (holdReveal) {
    // A reveal first seen in a snapshot proves nothing (client/commitment.ts): not verified.
    held({ type: "reveal", reveal: { ...reveal, verified: false } }, reveal.streamTsMs);
  }
}

/** Where the player is, as the answer reports it (0: no position to report). */
function streamPos(): number {
  const position = playing()?.position() ?? null;
  return position === null ? 0 : toStamp(position);
}

const toast = byId("toast", HTMLElement);
let toastTimer: ReturnType<typeof setTimeout> | undefined;
function say(text: string): void {
  toast.textContent = text;
  show(toast, true);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => show(toast, false), 6000);
}

const rain = createRainOverlay({
  tap: (r) =>
    client?.tap(r) ??
    Promise.resolve({ ok: false, code: "NOT_CONNECTED", codeName: "NOT_CONNECTED", message: "" }),
  dispatch(a) {
    dispatch(a);
    if (a.type === "granted") saveMemo((m) => (m.grabbedCents += a.amountCents));
  },
});

view.onAnswer(async (question, option) => {
  if (!client || pendingOption !== undefined) return;
  pendingOption = option;
  render();
  const r = await client.answer(question, option, { streamPosMs: streamPos() });
  pendingOption = undefined;
  if (r.ok) {
    saveMemo((m) => (m.options[String(question)] = option));
    dispatch({ type: "answered", question, option });
  } else if (r.codeName === "ALREADY_ANSWERED") {
    dispatch({ type: "answered", question, option });
  } else {
    dispatch({ type: "answerFailed", question, message: answerFailure(r.codeName) });
  }
});

function wire(c: LiveroomClient, target: JoinTarget): void {
  c.on("connection", (e) => {
    // A browser cannot see the 401 of a refused upgrade: an expired token looks like a lost network.
    if (e.state === "reconnecting" && isExpired(target.claims, Date.now())) {
      c.close();
      dispatch({ type: "fatal", fatal: tokenFatal("expired") });
      return;
    }
    if (state.fatal) return;
    dispatch({ type: "connection", state: e.state === "idle" ? "connecting" : e.state });
  });
  c.on("welcome", welcomed);
  c.on("onlineCount", (n) => dispatch({ type: "online", online: n.online }));
  c.on("resync", (e) => welcomed(e.welcome));
  c.on("roomOpened", (n) =>
    held({ type: "roomOpened", title: n.title, questionCount: n.questionCount }, null),
  );
  c.on("question", (question) => {
    holdMs = question.delayBudgetMs;
    const p = playing();
    if (p === undefined) {
      shownBy("arrival");
      dispatch({ type: "question", question: countdown(question, undefined) });
    } else {
      // A player with no picture yet has no position to wait for, nor to report: show it now.
      held({ type: "question", question }, p.position() === null ? 0 : question.streamTsMs);
    }
  });
  c.on("reveal", (reveal) => held({ type: "reveal", reveal }, reveal.streamTsMs));
  c.on("outcome", (o) => held({ type: "outcome", question: o.question, outcome: o.outcome }, null));
  c.on("gameOver", (gameOver) => held({ type: "gameOver", gameOver }, null));
  c.on("prize", (p) => held({ type: "prize", cents: p.cents }, null));
  c.on("rainStarted", (r) => {
    if (r.endsAtMs > c.serverNow()) held({ type: "rainStarted", rain: r }, r.streamTsMs);
  });
  c.on("throttle", (t) =>
    held({ type: "throttle", rain: t.rain, throttlePpm: t.throttlePpm, packetsLeft: t.packetsLeft }, null),
  );
  c.on("rainEnded", (e) => {
    held({ type: "rainEnded", rain: e.rain, packetsLeft: e.packetsLeft }, null);
  });
  c.on("error", (e) => console.warn("liveroom:", e.reason));
}

async function start(target: { room: string; token: string }): Promise<void> {
  const checked = await preflight(target.room, target.token);
  if (!checked.ok) {
    dispatch({ type: "fatal", fatal: checked.fatal });
    return;
  }
  memoKey = `liveroom:memo:${target.room}:${checked.target.claims.sub}`;
  const c = new LiveroomClient({
    token: target.token,
    connector: browserConnector(location.origin, target.room),
  });
  client = c;
  wire(c, checked.target);
  wireChat({ client: c, social: createSocial(), token: target.token, say });
  const r = await c.connect();
  if (r.ok) return;
  dispatch({
    type: "fatal",
    fatal:
      r.codeName === "TOKEN_INVALID"
        ? tokenFatal("invalid")
        : {
            title: "Couldn't join the room",
            text: `The room did not answer (${r.codeName}). Try again in a moment.`,
          },
  });
}

function showJoinForm(): void {
  const form = byId("join", HTMLFormElement);
  const room = byId("join-room", HTMLInputElement);
  room.value = new URL(location.href).searchParams.get("room") ?? "demo";
  show(form, true);
  dispatch({ type: "connection", state: "closed" });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const token = byId("join-token", HTMLInputElement).value.trim();
    const url = new URL(location.href);
    url.searchParams.set("room", room.value.trim());
    url.searchParams.set("token", token);
    location.assign(url);
  });
}

byId("fatal-retry", HTMLButtonElement).addEventListener("click", () => location.reload());
setInterval(render, 250);
// The player's own events come every 250 ms or so while it plays; this keeps a release within 100 ms.
setInterval(flush, 100);

if (target) void start(target);
else showJoinForm();
