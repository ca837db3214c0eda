// The host console: pick or create an activity, run the show over the HTTP API, watch the room.
import type { HostStats } from "./stats";
import { api } from "../shared/api";
import { byId, h, setText, show } from "../shared/dom";
import { isExpired, readClaims } from "../shared/jwt";
import { formatCents } from "../shared/money";
import { createActivityForm } from "./activity-form";
import { type ActivityBody, activityInput } from "./activity-input";
import { controlsFor } from "./controls";
import { createModerationPanel } from "./moderation";
import { createFigures, type QuestionDetail } from "./figures";
import { createHealthPanel } from "./health-panel";
import { toStamp } from "../../../client/stream-time";
import { attachStream, playable, type StreamPlayer } from "../shared/player";
import { formatPosition, parseStamp } from "./stream-stamp";

interface ActivityRow {
  id: string;
  title: string;
  status: string;
  questionCount: number;
  prizePoolCents: number;
}

interface JoinedRoom {
  id: string;
  title: string;
  status: string;
  questionCount: number;
  rainCount: number;
  prizePoolCents: number;
  streamUrl: string;
  answerWindowMs: number;
  streamDelayBudgetMs: number;
}

interface Selected {
  room: JoinedRoom;
  questions: QuestionDetail[] | undefined;
  stats: HostStats | undefined;
}

const TOKEN_KEY = "liveroom:host-token";
const POLL_MS = 1000;

const $ = {
  who: byId("who", HTMLElement),
  auth: byId("auth", HTMLFormElement),
  token: byId("token", HTMLInputElement),
  authMsg: byId("auth-msg", HTMLElement),
  rows: byId("activity-rows", HTMLElement),
  activitiesMsg: byId("activities-msg", HTMLElement),
  pick: byId("pick", HTMLFormElement),
  pickId: byId("pick-id", HTMLInputElement),
  createMsg: byId("create-msg", HTMLElement),
  roomTitle: byId("room-title", HTMLElement),
  roomMeta: byId("room-meta", HTMLElement),
  open: byId("op-open", HTMLButtonElement),
  push: byId("op-push", HTMLButtonElement),
  reveal: byId("op-reveal", HTMLButtonElement),
  rainIndex: byId("op-rain-index", HTMLSelectElement),
  rain: byId("op-rain", HTMLButtonElement),
  end: byId("op-end", HTMLButtonElement),
  opMsg: byId("op-msg", HTMLElement),
  hostQ: byId("host-q", HTMLElement),
  log: byId("log", HTMLElement),
  stage: byId("host-stage", HTMLElement),
  video: byId("host-video", HTMLVideoElement),
  stamp: byId("op-stamp", HTMLInputElement),
  stampAuto: byId("op-stamp-auto", HTMLInputElement),
  stampNote: byId("op-stamp-note", HTMLElement),
  window: byId("op-window", HTMLElement),
};

const figures = createFigures();
const health = createHealthPanel(byId("health", HTMLElement));
const form = createActivityForm();
let token = "";
let role = "";
let selected: Selected | undefined;
let pollTimer: ReturnType<typeof setTimeout> | undefined;
let busy = false;
const moderation = createModerationPanel({
  log: (text, tone) => log(text, tone),
  failure: (r) => failure(r),
});

function log(text: string, tone: "info" | "error" = "info"): void {
  const time = new Date().toLocaleTimeString();
  $.log.prepend(h("li", { "data-tone": tone }, `${time}  ${text}`));
  while ($.log.children.length > 100) $.log.lastElementChild?.remove();
}

/** The words for a failed call; a dead token stops everything until a new one is pasted. */
function failure(r: { status: number; code: string; message: string }): string {
  if (r.status === 401) {
    stopPolling();
    const text = r.message.includes("expired")
      ? "Your token has expired: paste a fresh one above."
      : "This token was not accepted: paste a host or admin token.";
    setText($.authMsg, text);
    return text;
  }
  if (r.status === 403) {
    // A host token runs only the activities it hosts (PUT /api/admin/activities/:id/host).
    return r.message.startsWith("only the host of activity")
      ? "You are not this activity's host: only its host or an admin may run it."
      : "This token's role may not do that (admin needed for activities).";
  }
  if (r.status === 0) return "Can't reach the server — is `npm start` running?";
  return `${r.code}: ${r.message}`;
}

function useToken(next: string): void {
  token = next.trim();
  const claims = readClaims(token);
  stopPolling();
  if (!claims) {
    role = "";
    setText($.who, "no token");
    setText(
      $.authMsg,
      token ? "That doesn't look like a token." : "Paste the host or admin token `npm start` printed.",
    );
    return;
  }
  role = claims.role;
  sessionStorage.setItem(TOKEN_KEY, token);
  setText($.who, `${claims.sub} · ${claims.role}`);
  if (isExpired(claims, Date.now())) {
    setText($.authMsg, "This token has expired: paste a fresh one (npm start prints new ones).");
    return;
  }
  if (claims.role !== "host" && claims.role !== "admin") {
    setText($.authMsg, `A ${claims.role} token cannot run a room: use a host or admin token.`);
    return;
  }
  setText($.authMsg, `Valid until ${new Date(claims.exp * 1000).toLocaleString()}.`);
  void loadActivities();
  if (selected) void select(selected.room.id);
}

async function loadActivities(): Promise<void> {
  if (role !== "admin") {
    $.rows.replaceChildren();
    setText($.activitiesMsg, "Host tokens cannot list or create activities: open one by its id.");
    return;
  }
  const r = await api<{ activities: ActivityRow[] }>("GET", "/api/admin/activities?limit=50", token);
  if (!r.ok) {
    setText($.activitiesMsg, failure(r));
    return;
  }
  setText($.activitiesMsg, r.body.activities.length === 0 ? "No activities yet: create one below." : "");
  $.rows.replaceChildren(
    ...r.body.activities.map((a) => {
      const pick = h("button", { type: "button", "aria-label": `Select ${a.title}` }, "Select");
      pick.addEventListener("click", () => void select(a.id));
      const row = h(
        "tr",
        { "data-id": a.id, "aria-selected": String(selected?.room.id === a.id) },
        h("td", {}, a.title),
        h("td", {}, a.id),
        h("td", {}, a.status),
        h("td", {}, String(a.questionCount)),
        h("td", {}, pick),
      );
      return row;
    }),
  );
}

async function select(id: string): Promise<void> {
  stopPolling();
  figures.clear();
  health.watch(null, token);
  const joined = await api<{ room: JoinedRoom }>("GET", `/api/join/${encodeURIComponent(id)}`, token);
  if (!joined.ok) {
    const text =
      joined.status === 404 || joined.status === 400 ? `There is no activity “${id}”.` : failure(joined);
    setText($.opMsg, text);
    log(text, "error");
    return;
  }
  let questions: QuestionDetail[] | undefined;
  if (role === "admin") {
    const d = await api<{ activity: { questions: QuestionDetail[] } }>(
      "GET",
      `/api/admin/activities/${encodeURIComponent(id)}`,
      token,
    );
    if (d.ok) questions = d.body.activity.questions;
  }
  selected = { room: joined.body.room, questions, stats: undefined };
  answersOpenUntil = undefined;
  playStream(selected.room.streamUrl);
  const url = new URL(location.href);
  url.searchParams.set("room", id);
  history.replaceState(null, "", url);
  const { room } = selected;
  setText($.roomTitle, `${room.title} (${room.id})`);
  setText(
    $.roomMeta,
    `${room.questionCount} questions · prize pool ${formatCents(room.prizePoolCents)} · ${room.rainCount} rains · viewers join at /?room=${room.id}`,
  );
  $.rainIndex.replaceChildren(
    ...Array.from({ length: room.rainCount }, (_, i) => h("option", { value: String(i) }, `Rain ${i + 1}`)),
  );
  setText($.opMsg, "");
  for (const tr of $.rows.querySelectorAll("tr"))
    tr.setAttribute("aria-selected", String(tr.dataset.id === id));
  log(`selected ${room.id}`);
  moderation.select(room.id, token, role === "admin");
  await poll();
}

// ---- The stream and the stamps (README, "The stream and its clock") ----
// Push, reveal and rain start carry the position of the picture the operator sees, so each viewer
// shows them when their own picture gets there; unticking the box lets the operator type one.
let player: StreamPlayer | undefined;

function playStream(url: string): void {
  player?.destroy();
  player = playable(url) ? attachStream($.video, url) : undefined;
  show($.stage, player !== undefined);
  showPosition();
}

function showPosition(): void {
  const auto = $.stampAuto.checked;
  $.stamp.readOnly = auto;
  if (!auto) return;
  const position = player?.position() ?? null;
  $.stamp.value = position === null ? "" : formatPosition(position);
  setText(
    $.stampNote,
    player === undefined
      ? "No stream: operations go unstamped and viewers show them on arrival."
      : position === null
        ? "Waiting for the picture…"
        : `stamp ${toStamp(position)} (${player.clock()})`,
  );
}

/** The stamp for an operation now, or why there is none. */
function stampNow(): { ok: true; stamp: number } | { ok: false; message: string } {
  const position = player?.position() ?? null;
  if ($.stampAuto.checked) return { ok: true, stamp: position === null ? 0 : toStamp(position) };
  return parseStamp($.stamp.value, position ?? Date.now());
}

// When the pushed question's answers close (local ms): the window plus the stream-delay budget after
// the push, so that viewers whose picture trails the console's still get their whole window.
let answersOpenUntil: number | undefined;

function showWindow(): void {
  if (answersOpenUntil === undefined || !selected) {
    setText($.window, "");
    return;
  }
  const { answerWindowMs, streamDelayBudgetMs } = selected.room;
  const left = Math.ceil((answersOpenUntil - Date.now()) / 1000);
  setText(
    $.window,
    left > 0
      ? `Answers open ${left} s more (window ${answerWindowMs / 1000} s + stream-delay budget ${streamDelayBudgetMs / 1000} s): revealing sooner cuts short the viewers whose picture trails yours.`
      : "Answers closed for every viewer: reveal when you are ready.",
  );
}

$.stampAuto.addEventListener("change", () => {
  setText($.stampNote, $.stampAuto.checked ? "" : "Type the position to stamp the next operation with.");
  showPosition();
});
setInterval(() => {
  showPosition();
  showWindow();
}, 100);

function stopPolling(): void {
  clearTimeout(pollTimer);
  pollTimer = undefined;
}

async function poll(): Promise<void> {
  stopPolling();
  const id = selected?.room.id;
  if (!id) return;
  health.watch(id, token);
  const r = await api<{ stats: HostStats }>("GET", `/api/rooms/${encodeURIComponent(id)}/stats`, token);
  if (selected?.room.id !== id) return;
  if (r.ok) applyStats(r.body.stats);
  else if (r.status === 401) {
    failure(r);
    return;
  } else setText($.opMsg, r.status === 0 ? "Lost contact with the server — retrying…" : failure(r));
  pollTimer = setTimeout(() => void poll(), POLL_MS);
}

function applyStats(stats: HostStats): void {
  if (!selected) return;
  selected.stats = stats;
  figures.render(stats, selected.questions);
  renderControls();
  const q = stats.currentQuestion >= 0 ? selected.questions?.[stats.currentQuestion] : undefined;
  setText(
    $.hostQ,
    q ? `Q${stats.currentQuestion + 1}: ${q.text} — correct: ${q.options[q.correct] ?? "?"}` : "",
  );
}

function renderControls(): void {
  const c = controlsFor(selected?.stats, selected?.room.questionCount ?? 0, selected?.room.rainCount ?? 0);
  $.open.disabled = busy || !c.open;
  $.push.disabled = busy || !c.push.enabled;
  setText($.push, `Push question ${c.push.question + 1}`);
  $.reveal.disabled = busy || !c.reveal.enabled;
  setText($.reveal, `Reveal question ${c.reveal.question + 1}`);
  $.rain.disabled = busy || !c.rain;
  $.rainIndex.disabled = busy || !c.rain;
  $.end.disabled = busy || !c.end;
}

async function operate(label: string, path: string, stamped = false): Promise<void> {
  if (!selected || busy) return;
  const stamp = stamped ? stampNow() : { ok: true as const, stamp: 0 };
  if (!stamp.ok) {
    setText($.opMsg, `${label}: ${stamp.message}`);
    return;
  }
  busy = true;
  renderControls();
  const r = await api<{ stats: HostStats }>(
    "POST",
    `/api/rooms/${encodeURIComponent(selected.room.id)}/${path}`,
    token,
    stamped ? { streamTsMs: stamp.stamp } : {},
  );
  busy = false;
  if (r.ok) {
    setText($.opMsg, "");
    log(stamped ? `${label} ${stamp.stamp === 0 ? "unstamped" : `at stream stamp ${stamp.stamp}`}` : label);
    applyStats(r.body.stats);
    if (path.endsWith("/push")) {
      answersOpenUntil = Date.now() + selected.room.answerWindowMs + selected.room.streamDelayBudgetMs;
    } else if (path.endsWith("/reveal") || path === "end") answersOpenUntil = undefined;
    // Opening and ending change the activity's status in the list.
    if (path === "open" || path === "end") void loadActivities();
  } else {
    const text = `${label} refused — ${failure(r)}`;
    setText($.opMsg, text);
    log(text, "error");
    renderControls();
  }
}

$.open.addEventListener("click", () => void operate("opened the room", "open"));
$.push.addEventListener("click", () => {
  const c = controlsFor(selected?.stats, selected?.room.questionCount ?? 0, 0);
  void operate(`pushed question ${c.push.question + 1}`, `questions/${c.push.question}/push`, true);
});
$.reveal.addEventListener("click", () => {
  const c = controlsFor(selected?.stats, selected?.room.questionCount ?? 0, 0);
  void operate(`revealed question ${c.reveal.question + 1}`, `questions/${c.reveal.question}/reveal`, true);
});
$.rain.addEventListener("click", () => {
  const r = Number($.rainIndex.value || 0);
  void operate(`started rain ${r + 1}`, `rains/${r}/start`, true);
});
$.end.addEventListener("click", () => void operate("ended the game", "end"));

$.auth.addEventListener("submit", (e) => {
  e.preventDefault();
  useToken($.token.value);
});
$.pick.addEventListener("submit", (e) => {
  e.preventDefault();
  const id = $.pickId.value.trim();
  if (id) void select(id);
});
byId("create", HTMLFormElement).addEventListener("submit", async (e) => {
  e.preventDefault();
  const input = activityInput(form.values(), Date.now());
  if (!input.ok) {
    setText($.createMsg, input.message);
    form.focus(input.field);
    return;
  }
  const r = await api<{ activity: { id: string } }>(
    "POST",
    "/api/admin/activities",
    token,
    input.body satisfies ActivityBody,
  );
  if (!r.ok) {
    setText($.createMsg, failure(r));
    if (r.field) form.focus(r.field);
    return;
  }
  setText($.createMsg, `Created “${input.body.title}” (${r.body.activity.id}).`);
  log(`created activity ${r.body.activity.id}`);
  form.reset();
  byId("create-box", HTMLDetailsElement).open = false;
  await loadActivities();
  await select(r.body.activity.id);
});

// A token in the address bar moves into this tab's storage, out of history and screenshots.
const url = new URL(location.href);
const fromUrl = url.searchParams.get("token");
if (fromUrl) {
  url.searchParams.delete("token");
  history.replaceState(null, "", url);
}
const initial = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? "";
$.token.value = initial;
useToken(initial);
const room = url.searchParams.get("room");
if (room && token && (role === "host" || role === "admin")) void select(room);
show($.log, true);
