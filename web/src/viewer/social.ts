// Danmaku, likes and gifts: the page's slots for them. The room does not carry them yet (issue 5),
// so the controls stay disabled; these hooks are what the SDK events will call once it does.
import { byId, h, setText } from "../shared/dom";

export interface Social {
  /** Scrolls one comment across the stream. */
  showDanmaku(text: string): void;
  /** The room's like total. */
  setLikes(total: number): void;
  /** Announces a gift over the stream. */
  showGift(from: string, gift: string): void;
  /** Enables the controls and hands what the viewer sends to `send`. */
  enable(send: { danmaku(text: string): void; like(): void; gift(): void }): void;
}

/** Lanes danmaku run in, so that two comments do not overlap. */
const LANES = 5;

export function createSocial(): Social {
  const $ = {
    layer: byId("danmaku-layer", HTMLElement),
    form: byId("danmaku-form", HTMLFormElement),
    input: byId("danmaku-input", HTMLInputElement),
    send: byId("danmaku-send", HTMLButtonElement),
    like: byId("like", HTMLButtonElement),
    likeCount: byId("like-count", HTMLElement),
    gift: byId("gift", HTMLButtonElement),
  };
  let lane = 0;

  function float(text: string, cls: string): void {
    const item = h("span", { class: cls, style: `top:${(lane++ % LANES) * 18 + 4}%` }, text);
    item.addEventListener("animationend", () => item.remove());
    $.layer.append(item);
  }

  return {
    showDanmaku: (text) => float(text, "danmaku"),
    setLikes: (total) => setText($.likeCount, String(total)),
    showGift: (from, gift) => float(`${from} sent ${gift}`, "danmaku gift"),
    enable(send) {
      for (const el of [$.input, $.send, $.like, $.gift]) el.disabled = false;
      $.input.placeholder = "Say something…";
      $.form.addEventListener("submit", (e) => {
        e.preventDefault();
        const text = $.input.value.trim();
        if (text) send.danmaku(text);
        $.input.value = "";
      });
      $.like.addEventListener("click", () => send.like());
      $.gift.addEventListener("click", () => send.gift());
    },
  };
}
