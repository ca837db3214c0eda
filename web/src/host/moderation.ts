// The console's moderation panel (docs/live-room.md, "Moderation"): the room's danmaku as viewers see
// them (a socket with the host's token), each deletable; mutes for N minutes or the show, shadow mutes,
// slow mode and the room's words over the HTTP API; the platform's words for admins.
import { browserConnector, LiveroomClient } from "../../../client/index";
import { api } from "../shared/api";
import { byId, h, setText, show } from "../shared/dom";
import { describeModeration, type ModerationState, muteMinutes, parseWords } from "./moderation-text";

/** Danmaku kept in the panel's list, newest first. */
const KEEP = 50;

export interface ModerationPanel {
  /** Watches room `roomId` as `token`'s user (null: none selected); `admin` also edits the platform's words. */
  select(roomId: string | null, token: string, admin: boolean): void;
}

type Failure = { status: number; code: string; message: string };

export function createModerationPanel(deps: {
  log(text: string, tone?: "info" | "error"): void;
  failure(r: Failure): string;
}): ModerationPanel {
  const $ = {
    state: byId("mod-state", HTMLElement),
    list: byId("mod-danmaku", HTMLElement),
    user: byId("mod-user-id", HTMLInputElement),
    minutes: byId("mod-minutes", HTMLInputElement),
    mute: byId("mod-mute", HTMLButtonElement),
    muteShow: byId("mod-mute-show", HTMLButtonElement),
    unmute: byId("mod-unmute", HTMLButtonElement),
    shadow: byId("mod-shadow", HTMLButtonElement),
    unshadow: byId("mod-unshadow", HTMLButtonElement),
    slow: byId("mod-slow", HTMLFormElement),
    slowSeconds: byId("mod-slow-seconds", HTMLInputElement),
    words: byId("mod-words", HTMLFormElement),
    wordsText: byId("mod-words-text", HTMLTextAreaElement),
    platform: byId("mod-platform", HTMLFormElement),
    platformText: byId("mod-platform-text", HTMLTextAreaElement),
    msg: byId("mod-msg", HTMLElement),
  };
  let room: string | null = null;
  let token = "";
  let client: LiveroomClient | undefined;

  const path = (rest: string) => `/api/rooms/${encodeURIComponent(room ?? "")}/${rest}`;

  function render(m: ModerationState): void {
    setText($.state, describeModeration(m, Date.now()));
    $.slowSeconds.value = String(m.slowModeSeconds);
    if (document.activeElement !== $.wordsText) $.wordsText.value = m.words.join("\n");
  }

  async function refresh(): Promise<void> {
    if (room === null) return;
    const r = await api<{ moderation: ModerationState }>("GET", path("moderation"), token);
    if (r.ok) render(r.body.moderation);
    else setText($.msg, deps.failure(r));
  }

  /** One moderation call; the panel shows the room's state after it. */
  async function act(label: string, method: string, rest: string, body: unknown): Promise<void> {
    if (room === null) return;
    const r = await api<{ moderation?: ModerationState }>(method, path(rest), token, body);
    if (!r.ok) {
      const text = `${label} refused — ${deps.failure(r)}`;
      setText($.msg, text);
      deps.log(text, "error");
      return;
    }
    setText($.msg, "");
    deps.log(label);
    if (r.body.moderation) render(r.body.moderation);
    else await refresh();
  }

  function target(): string | null {
    const u = $.user.value.trim();
    if (u.length === 0) setText($.msg, "Type the user id first (or pick one from the danmaku).");
    return u.length === 0 ? null : u;
  }

  function addDanmaku(id: number, userId: string, text: string): void {
    const del = h("button", { type: "button", "aria-label": `Delete danmaku ${id}` }, "Delete");
    del.addEventListener(
      "click",
      () => void act(`deleted danmaku ${id}`, "POST", `danmaku/${id}/delete`, {}),
    );
    const pick = h("button", { type: "button", class: "link", "aria-label": `Pick ${userId}` }, userId);
    pick.addEventListener("click", () => {
      $.user.value = userId;
      $.user.focus();
    });
    $.list.prepend(h("li", { "data-id": String(id) }, pick, h("span", { class: "text" }, text), del));
    while ($.list.children.length > KEEP) $.list.lastElementChild?.remove();
  }

  function watch(): void {
    client?.close();
    client = undefined;
    $.list.replaceChildren();
    if (room === null) return;
    const c = new LiveroomClient({ token, connector: browserConnector(location.origin, room) });
    client = c;
    c.on("danmakuTick", (n) => {
      for (const d of n.items) addDanmaku(d.id, d.userId, d.text);
    });
    c.on("danmakuDeleted", (n) => $.list.querySelector(`li[data-id="${n.id}"]`)?.remove());
    c.on("slowMode", () => void refresh());
    void c.connect().then((r) => {
      if (!r.ok) setText($.msg, `Couldn't watch the room's danmaku (${r.codeName}).`);
    });
  }

  $.mute.addEventListener("click", () => {
    const u = target();
    const minutes = muteMinutes($.minutes.value);
    if (u === null) return;
    if (minutes === null) {
      setText($.msg, "Minutes: a whole number from 1 to 1440.");
      return;
    }
    void act(`muted ${u} for ${minutes} min`, "POST", "mutes", { userId: u, durationMs: minutes * 60_000 });
  });
  $.muteShow.addEventListener("click", () => {
    const u = target();
    if (u !== null)
      void act(`muted ${u} for the show`, "POST", "mutes", { userId: u, durationMs: 0, forShow: true });
  });
  $.unmute.addEventListener("click", () => {
    const u = target();
    if (u !== null) void act(`unmuted ${u}`, "POST", "mutes", { userId: u, durationMs: 0 });
  });
  $.shadow.addEventListener("click", () => {
    const u = target();
    if (u !== null) void act(`shadow muted ${u}`, "POST", "shadow-mutes", { userId: u, on: true });
  });
  $.unshadow.addEventListener("click", () => {
    const u = target();
    if (u !== null) void act(`lifted ${u}'s shadow mute`, "POST", "shadow-mutes", { userId: u, on: false });
  });
  $.slow.addEventListener("submit", (e) => {
    e.preventDefault();
    const seconds = Number($.slowSeconds.value);
    const label = seconds > 0 ? `slow mode: one danmaku per ${seconds} s` : "slow mode off";
    void act(label, "POST", "slow-mode", { seconds });
  });
  $.words.addEventListener("submit", (e) => {
    e.preventDefault();
    const words = parseWords($.wordsText.value);
    void act(`room words: ${words.length}`, "PUT", "danmaku/words", { words });
  });
  $.platform.addEventListener("submit", async (e) => {
    e.preventDefault();
    const words = parseWords($.platformText.value);
    const r = await api<{ words: string[] }>("PUT", "/api/admin/danmaku/words", token, { words });
    if (!r.ok) {
      setText($.msg, `Platform words refused — ${deps.failure(r)}`);
      return;
    }
    $.platformText.value = r.body.words.join("\n");
    deps.log(`platform words: ${r.body.words.length}`);
  });

  async function loadPlatform(admin: boolean): Promise<void> {
    show($.platform, admin);
    if (!admin) return;
    const r = await api<{ words: string[] }>("GET", "/api/admin/danmaku/words", token);
    if (r.ok) $.platformText.value = r.body.words.join("\n");
  }

  return {
    select(roomId, nextToken, admin) {
      if (roomId === room && nextToken === token) return;
      room = roomId;
      token = nextToken;
      setText($.msg, "");
      setText($.state, "");
      watch();
      void refresh();
      void loadPlatform(admin);
    },
  };
}
