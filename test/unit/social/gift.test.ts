import { describe, expect, it } from "vitest";
import {
  decideGift,
  type GiftInput,
  giftTransferKey,
  rankGifters,
} from "../../../durable-objects/features/gifts/gift";
import { liveroom } from "../../../schema/proto";
import type { CatalogGift } from "../../../schema/queries/gifts";

const catalog = new Map<string, CatalogGift>([
  ["rose", { id: "rose", name: "Rose", priceCoins: 10 }],
  ["rocket", { id: "rocket", name: "Rocket", priceCoins: 5000 }],
]);
const input = (over: Partial<GiftInput> = {}): GiftInput => ({
  phase: "asking",
  activityId: "quiz-1",
  senderId: "alice",
  hostId: "hank",
  giftId: "rose",
  quantity: 3,
  key: "k1",
  catalog,
  ...over,
});

describe("decideGift", () => {
  it("prices a valid gift and keys it per activity, sender and key", () => {
    expect(decideGift(input())).toEqual({
      ok: true,
      gift: { id: "rose", name: "Rose", priceCoins: 10 },
      quantity: 3,
      coins: 30,
      transferKey: "gift:quiz-1:alice:k1",
      hostId: "hank",
    });
    expect(giftTransferKey("a", "b", "c")).toBe("gift:a:b:c");
  });

  it("refuses zero, negative, fractional and huge quantities", () => {
    for (const quantity of [0, -1, -5000, 1.5, 10_000, Number.NaN]) {
      expect(decideGift(input({ quantity }))).toMatchObject({ ok: false, code: "GIFT_BAD_QUANTITY" });
    }
    expect(decideGift(input({ quantity: 9999, giftId: "rocket" }))).toMatchObject({
      ok: true,
      coins: 49_995_000,
    });
  });

  it("refuses unknown gifts, missing hosts, self-gifts, bad keys and ended rooms, in that order of cost", () => {
    expect(decideGift(input({ giftId: "unicorn" }))).toMatchObject({ code: "GIFT_UNKNOWN" });
    expect(decideGift(input({ hostId: null }))).toMatchObject({ code: "GIFT_NO_HOST" });
    expect(decideGift(input({ senderId: "hank" }))).toMatchObject({ code: "GIFT_SELF" });
    expect(decideGift(input({ key: "" }))).toMatchObject({ code: "GIFT_BAD_KEY" });
    expect(decideGift(input({ key: "k".repeat(65) }))).toMatchObject({ code: "GIFT_BAD_KEY" });
    expect(decideGift(input({ phase: "ended", quantity: 0 }))).toMatchObject({ code: "NOT_ALLOWED_NOW" });
    expect(decideGift(input({ key: "", quantity: 0 }))).toMatchObject({ code: "GIFT_BAD_KEY" });
    expect(decideGift(input({ quantity: 0, giftId: "unicorn" }))).toMatchObject({
      code: "GIFT_BAD_QUANTITY",
    });
  });

  it("uses codes that exist in schema/live.proto", () => {
    for (const name of [
      "GIFT_UNKNOWN",
      "GIFT_BAD_QUANTITY",
      "INSUFFICIENT_COINS",
      "GIFT_BAD_KEY",
      "GIFT_NO_HOST",
      "GIFT_SELF",
    ] as const) {
      expect(liveroom.Code[name]).toBeGreaterThanOrEqual(500);
    }
    expect(liveroom.Code.GIFT_UNKNOWN).toBe(500);
    expect(liveroom.Code.INSUFFICIENT_COINS).toBe(502);
    expect(liveroom.Code.DANMAKU_BLOCKED).toBe(403);
  });
});

describe("rankGifters", () => {
  it("ranks by coins, ties by user id, first n", () => {
    expect(
      rankGifters(
        [
          { userId: "b", coins: 50 },
          { userId: "a", coins: 50 },
          { userId: "c", coins: 500 },
          { userId: "d", coins: 1 },
        ],
        3,
      ),
    ).toEqual([
      { rank: 1, userId: "c", coins: 500 },
      { rank: 2, userId: "a", coins: 50 },
      { rank: 3, userId: "b", coins: 50 },
    ]);
  });
});
