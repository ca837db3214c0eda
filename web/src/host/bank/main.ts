// The question bank screen of the host console: import, search, add and edit questions, and assemble
// an activity from them (docs/question-bank.md). Admin only, like the bank's API.
import { api } from "../../shared/api";
import { byId, h, setText, show } from "../../shared/dom";
import { isExpired, readClaims } from "../../shared/jwt";
import { parseCents } from "../../shared/money";
import { type BankQuestion, faultText, formatOf, type ImportFault, questionBody } from "./model";

/** The host console's key: a token pasted there works here, in the same tab. */
const TOKEN_KEY = "liveroom:host-token";
const PAGE = 20;

const $ = {
  who: byId("who", HTMLElement),
  auth: byId("auth", HTMLFormElement),
  token: byId("token", HTMLInputElement),
  authMsg: byId("auth-msg", HTMLElement),
  importForm: byId("import", HTMLFormElement),
  importFile: byId("import-file", HTMLInputElement),
  importFormat: byId("import-format", HTMLSelectElement),
  importText: byId("import-text", HTMLTextAreaElement),
  importMsg: byId("import-msg", HTMLElement),
  faults: byId("import-faults", HTMLTableElement),
  faultRows: byId("import-fault-rows", HTMLElement),
  edit: byId("edit", HTMLFormElement),
  editTitle: byId("edit-title", HTMLElement),
  eText: byId("e-text", HTMLTextAreaElement),
  eOptions: byId("e-options", HTMLElement),
  eTags: byId("e-tags", HTMLInputElement),
  eDifficulty: byId("e-difficulty", HTMLSelectElement),
  eSource: byId("e-source", HTMLInputElement),
  eSave: byId("e-save", HTMLButtonElement),
  eCancel: byId("e-cancel", HTMLButtonElement),
  editMsg: byId("edit-msg", HTMLElement),
  search: byId("search", HTMLFormElement),
  sQ: byId("s-q", HTMLInputElement),
  sTag: byId("s-tag", HTMLSelectElement),
  sDifficulty: byId("s-difficulty", HTMLSelectElement),
  searchMsg: byId("search-msg", HTMLElement),
  rows: byId("bank-rows", HTMLElement),
  prev: byId("page-prev", HTMLButtonElement),
  next: byId("page-next", HTMLButtonElement),
  picked: byId("picked", HTMLElement),
  assemble: byId("assemble", HTMLFormElement),
  aTitle: byId("a-title", HTMLInputElement),
  aId: byId("a-id", HTMLInputElement),
  aStart: byId("a-start", HTMLInputElement),
  aPrize: byId("a-prize", HTMLInputElement),
  aWindow: byId("a-window", HTMLInputElement),
  assembleMsg: byId("assemble-msg", HTMLElement),
};

let token = "";
let offset = 0;
let total = 0;
let editing: string | undefined;
/** Picked questions, in show order. */
let picked: { id: string; text: string }[] = [];

const optionInputs = [0, 1, 2, 3].map((i) => {
  const input = h("input", { id: `e-option-${i}`, autocomplete: "off", "aria-label": `Option ${i + 1}` });
  const radio = h("input", {
    type: "radio",
    name: "e-correct",
    value: String(i),
    "aria-label": `Option ${i + 1} is correct`,
  });
  if (i === 0) radio.checked = true;
  $.eOptions.append(h("div", { class: "opt-row" }, radio, input));
  return { input, radio };
});

function useToken(next: string): boolean {
  token = next.trim();
  const claims = readClaims(token);
  if (!claims) {
    setText($.who, "no token");
    setText(
      $.authMsg,
      token ? "That doesn't look like a token." : "Paste the admin token `npm start` printed.",
    );
    return false;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  setText($.who, `${claims.sub} · ${claims.role}`);
  if (isExpired(claims, Date.now())) {
    setText($.authMsg, "This token has expired: paste a fresh one (npm start prints new ones).");
    return false;
  }
  if (claims.role !== "admin") {
    setText($.authMsg, `The question bank needs an admin token, not a ${claims.role} one.`);
    return false;
  }
  setText($.authMsg, "");
  return true;
}

/** Words for a failed call in the API's error shape. */
function failure(r: { status: number; code: string; message: string }): string {
  if (r.status === 0) return "Can't reach the server — is `npm start` running?";
  if (r.status === 401) return "This token was not accepted: paste a fresh admin token.";
  if (r.status === 403) return "Only an admin may use the question bank.";
  return `${r.code}: ${r.message}`;
}

async function loadTags(): Promise<void> {
  const r = await api<{ tags: { tag: string; count: number }[] }>("GET", "/api/admin/bank/tags", token);
  if (!r.ok) return;
  const current = $.sTag.value;
  $.sTag.replaceChildren(
    h("option", { value: "" }, "any"),
    ...r.body.tags.map((t) => h("option", { value: t.tag }, `${t.tag} (${t.count})`)),
  );
  $.sTag.value = r.body.tags.some((t) => t.tag === current) ? current : "";
}

async function runSearch(): Promise<void> {
  const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if ($.sQ.value.trim() !== "") params.set("q", $.sQ.value.trim());
  if ($.sTag.value !== "") params.set("tag", $.sTag.value);
  if ($.sDifficulty.value !== "") params.set("difficulty", $.sDifficulty.value);
  const r = await api<{ questions: BankQuestion[]; total: number }>(
    "GET",
    `/api/admin/bank/questions?${params}`,
    token,
  );
  if (!r.ok) {
    setText($.searchMsg, failure(r));
    return;
  }
  total = r.body.total;
  const first = total === 0 ? 0 : offset + 1;
  setText(
    $.searchMsg,
    total === 0 ? "No question matches." : `${first}–${offset + r.body.questions.length} of ${total}`,
  );
  $.prev.disabled = offset === 0;
  $.next.disabled = offset + PAGE >= total;
  $.rows.replaceChildren(...r.body.questions.map(bankRow));
}

function bankRow(q: BankQuestion): HTMLTableRowElement {
  const pick = h("input", { type: "checkbox", "aria-label": `Pick “${q.text}”` });
  pick.checked = picked.some((p) => p.id === q.id);
  pick.addEventListener("change", () => {
    picked = pick.checked ? [...picked, { id: q.id, text: q.text }] : picked.filter((p) => p.id !== q.id);
    renderPicked();
  });
  const options = h(
    "div",
    { class: "bank-options" },
    ...q.options.flatMap((o, i) => [
      i === 0 ? "" : " · ",
      h("span", i === q.correct ? { class: "correct" } : {}, o),
    ]),
  );
  const edit = h("button", { type: "button", "aria-label": `Edit “${q.text}”` }, "Edit");
  edit.addEventListener("click", () => startEdit(q));
  const remove = h("button", { type: "button", "aria-label": `Delete “${q.text}”` }, "Delete");
  remove.addEventListener("click", () => void removeQuestion(q));
  return h(
    "tr",
    { "data-id": q.id },
    h("td", {}, pick),
    h("td", {}, q.text, options, q.source ? h("div", { class: "hint" }, q.source) : ""),
    h("td", {}, q.tags.join(", ")),
    h("td", {}, q.difficulty),
    h("td", {}, edit, " ", remove),
  );
}

function renderPicked(): void {
  $.picked.replaceChildren(
    ...picked.map((p, i) => {
      const up = h("button", { type: "button", "aria-label": `Move “${p.text}” up` }, "↑");
      up.disabled = i === 0;
      up.addEventListener("click", () => {
        const copy = [...picked];
        [copy[i - 1], copy[i]] = [copy[i] ?? p, copy[i - 1] ?? p];
        picked = copy;
        renderPicked();
      });
      const drop = h("button", { type: "button", "aria-label": `Drop “${p.text}”` }, "✕");
      drop.addEventListener("click", () => {
        picked = picked.filter((x) => x.id !== p.id);
        renderPicked();
        void runSearch();
      });
      return h("li", {}, p.text, up, drop);
    }),
  );
}

function startEdit(q: BankQuestion): void {
  editing = q.id;
  setText($.editTitle, "Edit a question");
  setText($.eSave, "Save changes");
  show($.eCancel, true);
  $.eText.value = q.text;
  optionInputs.forEach((o, i) => {
    o.input.value = q.options[i] ?? "";
    o.radio.checked = i === q.correct;
  });
  $.eTags.value = q.tags.join("; ");
  $.eDifficulty.value = q.difficulty;
  $.eSource.value = q.source;
  setText($.editMsg, "Activities already assembled from it keep their own copy.");
  $.eText.focus();
}

function stopEdit(): void {
  editing = undefined;
  setText($.editTitle, "Add a question");
  setText($.eSave, "Add to the bank");
  show($.eCancel, false);
  $.edit.reset();
  optionInputs[0]!.radio.checked = true;
}

async function removeQuestion(q: BankQuestion): Promise<void> {
  if (!confirm(`Delete “${q.text}” from the bank? Activities keep their copies.`)) return;
  const r = await api("DELETE", `/api/admin/bank/questions/${q.id}`, token);
  setText($.searchMsg, r.ok ? `Deleted “${q.text}”.` : failure(r));
  picked = picked.filter((p) => p.id !== q.id);
  renderPicked();
  await Promise.all([runSearch(), loadTags()]);
}

$.auth.addEventListener("submit", (e) => {
  e.preventDefault();
  if (useToken($.token.value)) void Promise.all([runSearch(), loadTags()]);
});

$.importFile.addEventListener("change", async () => {
  const file = $.importFile.files?.[0];
  if (!file) return;
  const text = await file.text();
  $.importText.value = text;
  $.importFormat.value = formatOf(file.name, text);
});

$.importForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const content = $.importText.value;
  show($.faults, false);
  if (content.trim() === "") {
    setText($.importMsg, "Choose a file or paste its text first.");
    return;
  }
  setText($.importMsg, "Importing…");
  const r = await postImport($.importFormat.value, content);
  if (r.ok) {
    setText($.importMsg, `Imported ${r.imported} questions.`);
    $.importForm.reset();
    offset = 0;
    await Promise.all([runSearch(), loadTags()]);
    return;
  }
  setText($.importMsg, r.message);
  $.faultRows.replaceChildren(
    ...r.faults.map((f) =>
      h(
        "tr",
        { class: "fault-row", title: faultText(f) },
        h("td", {}, f.row === 0 ? "file" : String(f.row)),
        h("td", {}, f.line === undefined ? "" : String(f.line)),
        h("td", {}, f.field),
        h("td", {}, f.message),
      ),
    ),
  );
  show($.faults, r.faults.length > 0);
});

/** `POST /api/admin/bank/imports`, reading `error.rows` of a refusal (the shared `api` keeps only the code and message). */
async function postImport(
  format: string,
  content: string,
): Promise<{ ok: true; imported: number } | { ok: false; message: string; faults: ImportFault[] }> {
  let res: Response;
  try {
    res = await fetch("/api/admin/bank/imports", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ format, content }),
    });
  } catch {
    return { ok: false, message: failure({ status: 0, code: "NETWORK", message: "" }), faults: [] };
  }
  const body = (await res.json().catch(() => ({}))) as {
    imported?: number;
    error?: { code?: string; message?: string; rows?: ImportFault[] };
  };
  if (res.ok) return { ok: true, imported: body.imported ?? 0 };
  const code = body.error?.code ?? String(res.status);
  const message = body.error?.message ?? res.statusText;
  return {
    ok: false,
    message: code === "IMPORT_INVALID" ? `${message}.` : failure({ status: res.status, code, message }),
    faults: body.error?.rows ?? [],
  };
}

$.edit.addEventListener("submit", async (e) => {
  e.preventDefault();
  const correctSlot = optionInputs.findIndex((o) => o.radio.checked);
  if (optionInputs[correctSlot]?.input.value.trim() === "") {
    setText($.editMsg, "Mark a filled option as the correct one.");
    return;
  }
  const body = questionBody(
    $.eText.value,
    optionInputs.map((o) => o.input.value),
    correctSlot,
    $.eTags.value,
    $.eDifficulty.value,
    $.eSource.value,
  );
  const r =
    editing === undefined
      ? await api<{ question: BankQuestion }>("POST", "/api/admin/bank/questions", token, body)
      : await api<{ question: BankQuestion }>("PUT", `/api/admin/bank/questions/${editing}`, token, body);
  if (!r.ok) {
    setText($.editMsg, r.field ? `${r.field}: ${r.message}` : failure(r));
    return;
  }
  setText($.editMsg, `${editing === undefined ? "Added" : "Saved"} “${r.body.question.text}”.`);
  stopEdit();
  await Promise.all([runSearch(), loadTags()]);
});
$.eCancel.addEventListener("click", () => {
  stopEdit();
  setText($.editMsg, "");
});

$.search.addEventListener("submit", (e) => {
  e.preventDefault();
  offset = 0;
  void runSearch();
});
$.prev.addEventListener("click", () => {
  offset = Math.max(0, offset - PAGE);
  void runSearch();
});
$.next.addEventListener("click", () => {
  if (offset + PAGE < total) offset += PAGE;
  void runSearch();
});

$.assemble.addEventListener("submit", async (e) => {
  e.preventDefault();
  const prizePoolCents = parseCents($.aPrize.value);
  const startAt = $.aStart.value === "" ? Number.NaN : new Date($.aStart.value).getTime();
  const windowSec = Number($.aWindow.value);
  if (picked.length === 0) return setText($.assembleMsg, "Pick at least one question in the bank.");
  if ($.aTitle.value.trim() === "") return setText($.assembleMsg, "Give the activity a title.");
  if (!Number.isFinite(startAt)) return setText($.assembleMsg, "Choose when the show starts.");
  if (prizePoolCents === undefined || prizePoolCents < 1) {
    return setText($.assembleMsg, "The prize pool is an amount like 1000 or 1000.50.");
  }
  const body: Record<string, unknown> = {
    title: $.aTitle.value.trim(),
    startAt,
    prizePoolCents,
    answerWindowMs: Math.round(windowSec * 1000),
    questionIds: picked.map((p) => p.id),
  };
  if ($.aId.value.trim() !== "") body.id = $.aId.value.trim();
  const r = await api<{ activity: { id: string; title: string } }>(
    "POST",
    "/api/admin/bank/activities",
    token,
    body,
  );
  if (!r.ok) {
    setText($.assembleMsg, r.field ? `${r.field}: ${r.message}` : failure(r));
    return;
  }
  const { id, title } = r.body.activity;
  $.assembleMsg.replaceChildren(
    `Created “${title}” with ${picked.length} questions: `,
    h("a", { href: `/host.html?room=${encodeURIComponent(id)}` }, "run it in the host console"),
  );
  picked = [];
  renderPicked();
  $.assemble.reset();
  void runSearch();
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
if (useToken(initial)) void Promise.all([runSearch(), loadTags()]);
