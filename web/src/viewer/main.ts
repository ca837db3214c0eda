// The viewer page: join a room with a token, play the quiz, grab red packets, keep watching.
import { browserConnector, LiveroomClient } from "../../../client/index";
import { byId, show } from "../shared/dom";
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
  view.render(state, { serverNow: client?.serverNow() ?? Date.now(), pendingOption });
  rain.render(state);
}

function dispatch(a: Action): void {
  state = reduce(state, a);
  render();
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
  const r = await client.answer(question, option);
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
  c.on("welcome", (welcome) => dispatch({ type: "welcome", welcome, memo: loadMemo() }));
  c.on("resync", (e) => dispatch({ type: "welcome", welcome: e.welcome, memo: loadMemo() }));
  c.on("roomOpened", (n) => dispatch({ type: "roomOpened", title: n.title, questionCount: n.questionCount }));
  c.on("question", (question) => dispatch({ type: "question", question }));
  c.on("reveal", (reveal) => dispatch({ type: "reveal", reveal }));
  c.on("outcome", (o) => dispatch({ type: "outcome", question: o.question, outcome: o.outcome }));
  c.on("gameOver", (gameOver) => dispatch({ type: "gameOver", gameOver }));
  c.on("prize", (p) => dispatch({ type: "prize", cents: p.cents }));
  c.on("rainStarted", (r) => {
    if (r.endsAtMs > c.serverNow()) dispatch({ type: "rainStarted", rain: r });
  });
  c.on("throttle", (t) =>
    dispatch({ type: "throttle", rain: t.rain, throttlePpm: t.throttlePpm, packetsLeft: t.packetsLeft }),
  );
  c.on("rainEnded", (e) => {
    const mine = state.rain?.rain === e.rain ? state.rain : undefined;
    dispatch({ type: "rainEnded", rain: e.rain, packetsLeft: e.packetsLeft });
    if (mine) say(`The rain is over: you grabbed ${mine.mine} packets, ${formatCents(mine.mineCents)}.`);
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

if (target) void start(target);
else showJoinForm();
