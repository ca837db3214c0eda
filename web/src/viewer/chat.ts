// Danmaku, likes and gifts between the page and the room, through the SDK. Own danmaku show at once
// from the ack, so the tick skips them.
import type { LiveroomClient } from "../../../client/index";
import { api } from "../shared/api";
import type { GiftChoice, Social } from "./social";
import { socialFailure } from "./social-text";

export interface ChatDeps {
  client: LiveroomClient;
  social: Social;
  token: string;
  /** A short message to the viewer. */
  say(text: string): void;
}

/** Likes tapped within this window go out as one LIKE with their count. */
const LIKE_BATCH_MS = 300;

export function wireChat({ client, social, token, say }: ChatDeps): void {
  const mine = new Set<number>();
  let likes = 0;
  let pendingLikes = 0;
  let likeScheduled = false;

  client.on("danmakuTick", (n) => {
    for (const d of n.items) if (!mine.has(d.id)) social.showDanmaku(d.id, d.text, d.userId, false);
  });
  client.on("likes", (n) => {
    likes = n.total;
    social.setLikes(likes + pendingLikes);
  });
  client.on("giftShown", (n) =>
    social.showGift(n.userId, n.quantity === 1 ? n.giftName : `${n.quantity}× ${n.giftName}`),
  );
  client.on("danmakuDeleted", (n) => social.removeDanmaku(n.id));
  const slowMode = (seconds: number) =>
    say(seconds > 0 ? `Slow mode: one comment every ${seconds} s.` : "Slow mode is off.");
  client.on("slowMode", (n) => slowMode(n.seconds));
  client.on("welcome", (w) => {
    if (w.room.slowModeSeconds > 0) slowMode(w.room.slowModeSeconds);
  });

  async function flushLikes(): Promise<void> {
    likeScheduled = false;
    const count = pendingLikes;
    pendingLikes = 0;
    const r = await client.like(count);
    if (!r.ok) say(socialFailure(r.codeName));
  }

  async function loadGifts(): Promise<void> {
    const [catalog, coins] = await Promise.all([
      api<{ gifts: GiftChoice[] }>("GET", "/api/gifts", token),
      api<{ balanceCoins: number }>("GET", "/api/me/coins", token),
    ]);
    if (!catalog.ok) {
      social.setGiftMessage(`Couldn't load the gifts (${catalog.code}).`);
      return;
    }
    social.setGifts(catalog.body.gifts, coins.ok ? coins.body.balanceCoins : undefined);
  }

  social.enable({
    async danmaku(text) {
      const r = await client.danmaku(text);
      if (!r.ok) {
        say(socialFailure(r.codeName, r.message));
        return;
      }
      mine.add(r.id);
      social.showDanmaku(r.id, r.text, "", true);
    },
    like() {
      pendingLikes++;
      social.setLikes(likes + pendingLikes);
      if (likeScheduled) return;
      likeScheduled = true;
      setTimeout(() => void flushLikes(), LIKE_BATCH_MS);
    },
    openGifts: () => void loadGifts(),
    async gift(id) {
      social.setGiftMessage("Sending…");
      const r = await client.gift(id, 1);
      if (!r.ok) {
        social.setGiftMessage(socialFailure(r.codeName));
        return;
      }
      social.closeGifts();
      say(`Gift sent! You have ${r.balanceCoins} coins left.`);
    },
  });
}
