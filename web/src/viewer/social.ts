// Danmaku over the stream, the like button and the gift picker: display and controls only. What
// they send and receive goes through chat.ts.
import { byId, h, setText, show } from "../shared/dom";

export interface GiftChoice {
  id: string;
  name: string;
  priceCoins: number;
}

export interface SocialSend {
  danmaku(text: string): void;
  like(): void;
  /** The gift picker opened: load the catalog and the balance. */
  openGifts(): void;
  gift(id: string): void;
}

export interface Social {
  /** Scrolls one comment across the stream; `mine` marks the viewer's own. */
  showDanmaku(id: number, text: string, from: string, mine: boolean): void;
  removeDanmaku(id: number): void;
  setLikes(total: number): void;
  /** Announces a gift over the stream. */
  showGift(from: string, what: string): void;
  /** Fills the gift picker. */
  setGifts(gifts: GiftChoice[], balanceCoins: number | undefined): void;
  setGiftMessage(text: string): void;
  closeGifts(): void;
  enable(send: SocialSend): void;
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
    dialog: byId("gift-dialog", HTMLDialogElement),
    giftList: byId("gift-list", HTMLElement),
    giftBalance: byId("gift-balance", HTMLElement),
    giftMsg: byId("gift-msg", HTMLElement),
  };
  let lane = 0;
  let pick: (id: string) => void = () => {};

  function float(text: string, cls: string, id?: number): void {
    const item = h("span", { class: cls, style: `top:${(lane++ % LANES) * 18 + 4}%` }, text);
    if (id !== undefined) item.dataset.id = String(id);
    item.addEventListener("animationend", () => item.remove());
    $.layer.append(item);
  }

  return {
    showDanmaku: (id, text, from, mine) =>
      float(mine ? text : `${from}: ${text}`, mine ? "danmaku mine" : "danmaku", id),
    removeDanmaku: (id) => $.layer.querySelector(`[data-id="${id}"]`)?.remove(),
    setLikes: (total) => setText($.likeCount, String(total)),
    showGift: (from, what) => float(`${from} sent ${what}`, "danmaku gift"),
    setGifts(gifts, balance) {
      setText($.giftBalance, balance === undefined ? "" : `You have ${balance} coins.`);
      $.giftList.replaceChildren(
        ...gifts.map((g) => {
          const b = h(
            "button",
            { type: "button", class: "gift-choice" },
            `${g.name} · ${g.priceCoins} coins`,
          );
          b.addEventListener("click", () => pick(g.id));
          return b;
        }),
      );
      if (gifts.length === 0) setText($.giftMsg, "No gifts in the catalog yet.");
    },
    setGiftMessage: (text) => setText($.giftMsg, text),
    closeGifts: () => $.dialog.close(),
    enable(send) {
      for (const el of [$.input, $.send, $.like, $.gift]) el.disabled = false;
      $.input.placeholder = "Say something…";
      $.like.title = "Like";
      $.gift.title = "Send a gift";
      pick = send.gift;
      $.form.addEventListener("submit", (e) => {
        e.preventDefault();
        const text = $.input.value.trim();
        if (text) send.danmaku(text);
        $.input.value = "";
      });
      $.like.addEventListener("click", () => send.like());
      $.gift.addEventListener("click", () => {
        setText($.giftMsg, "");
        show($.dialog, true);
        $.dialog.showModal();
        send.openGifts();
      });
    },
  };
}
