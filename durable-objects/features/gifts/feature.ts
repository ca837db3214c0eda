// Gifts as a feature: GIFT (player-scoped; the coin debit is a `debitCoins` effect the kernel posts to
// the D1 ledger) and the GIFTERS board. Rules in ../../gifts; this file moves rows and effects.
import { liveroom } from "../../../schema/proto";
import { coinAccount, coinBalance } from "../../../schema/queries/coins";
import { type CatalogGift, loadCatalog } from "../../../schema/queries/gifts";
import type { RoomStatsView } from "../../../schema/room-stats";
import { decideGift, rankGifters } from "./gift";
import { type CoinPosting, type Effect, broadcast, refuse, reply } from "../../kernel/effects";
import { type Feature, frames } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import { GiftStore } from "./store";

const T = liveroom.Type;
/** How long the gift catalog is cached in a room (the activity's host is cached by the kernel). */
const CACHE_MS = 30_000;

type Cached<V> = { value: V; atMs: number } | null;
export type GiftStats = Pick<RoomStatsView, "gifts" | "giftCoins">;

export class GiftsFeature implements Feature {
  readonly name = "gifts";
  readonly tasks = {};
  readonly #s: RoomServices;
  readonly #store: GiftStore;
  readonly #stream: (nowMs: number) => number;
  #catalog: Cached<Map<string, CatalogGift>> = null;
  /** The activity's host as `prepare` read it (the kernel caches it), for the `handle` right after. */
  #hostId: string | null = null;
  /** A replayed gift's balance, read by `prepare` for the `handle` right after. */
  readonly #balances = new Map<string, number>();
  /** Senders the GIFT_LIMIT binding refused in `prepare`, refused by the `handle` right after. */
  readonly #limited = new Set<string>();

  constructor(s: RoomServices, stream: (nowMs: number) => number) {
    this.#s = s;
    this.#store = new GiftStore(s.sql);
    this.#stream = stream;
  }

  readonly frames = frames({
    [T.GIFT]: {
      // At the coordinator, with the whole room's state, until this feature is split per shard (docs/scale.md).
      scope: "room",
      role: "viewer",
      prepare: async (req, ctx) => {
        const db = this.#s.env.DB;
        const now = ctx.nowMs;
        const limit = this.#s.env.GIFT_LIMIT;
        if (limit !== undefined && !(await limit.limit({ key: ctx.userId })).success) {
          this.#limited.add(ctx.userId);
          return;
        }
        // Stamped only when loaded: a cache re-stamped on every hit would never expire under steady gifting.
        const fresh = this.#catalog !== null && now - this.#catalog.atMs < CACHE_MS;
        const [catalog, hostId] = await Promise.all([
          fresh ? this.#catalog!.value : loadCatalog(db),
          this.#s.activityHost(),
        ]);
        if (!fresh) this.#catalog = { value: catalog, atMs: now };
        this.#hostId = hostId;
        if (this.#store.gift(ctx.userId, req.key) !== null) {
          this.#balances.set(ctx.userId, await coinBalance(db, ctx.userId).catch(() => 0));
        }
      },
      handle: (req, ctx) => {
        const userId = ctx.userId;
        if (this.#limited.delete(userId)) {
          return [
            refuse("GIFT_RATE_LIMITED", "too many gifts right now: send again later with the same key"),
          ];
        }
        const activityId = this.#s.activity().id;
        const d = decideGift({
          phase: this.#s.room().phase,
          activityId,
          senderId: userId,
          hostId: this.#hostId,
          giftId: req.giftId,
          quantity: req.quantity,
          key: req.key,
          catalog: this.#catalog!.value,
        });
        if (!d.ok) return [refuse(d.code, d.message)];
        const prior = this.#store.gift(userId, req.key);
        if (prior !== null) {
          if (prior.giftId !== d.gift.id || prior.quantity !== d.quantity) return [keyReused()];
          const balanceCoins = this.#balances.get(userId) ?? 0;
          this.#balances.delete(userId);
          return [reply({ gift: { ...prior, balanceCoins, replayed: true } })];
        }
        const gift = { giftId: d.gift.id, quantity: d.quantity, coins: d.coins };
        return [
          {
            kind: "debitCoins",
            transfer: {
              key: d.transferKey,
              from: coinAccount(userId),
              to: coinAccount(d.hostId),
              amountCoins: d.coins,
              kind: "gift",
              activityId,
              userId,
              giftId: d.gift.id,
              quantity: d.quantity,
            },
            afterDebit: (posting, nowMs) =>
              this.#afterDebit(userId, req.key, gift, d.gift.name, posting, nowMs),
          },
        ];
      },
    },
    [T.GIFTERS]: {
      scope: "room",
      role: "viewer",
      handle: (req) => {
        const limit = req.limit === 0 ? 10 : Math.min(req.limit, 50);
        return [reply({ gifters: { gifters: rankGifters(this.#store.gifters(), limit) } })];
      },
    },
  });

  stats(): GiftStats {
    return this.#store.totals();
  }

  /** After the ledger answered: record and show a paid gift once (a duplicate the room never recorded too). */
  #afterDebit(
    userId: string,
    key: string,
    gift: { giftId: string; quantity: number; coins: number },
    giftName: string,
    posting: CoinPosting,
    nowMs: number,
  ): Effect[] {
    switch (posting.status) {
      case "unavailable":
        return [refuse("GIFT_UNAVAILABLE", "coins are unavailable: send again with the same key")];
      case "insufficient":
        return [refuse("INSUFFICIENT_COINS", `this gift costs ${gift.coins} coins`)];
      case "conflict":
        return [keyReused()];
      case "posted":
      case "duplicate": {
        // A duplicate the room never recorded is a gift paid just before an eviction: show it now.
        const total = this.#store.recordGift(userId, key, gift, nowMs);
        const effects: Effect[] = [];
        if (total !== null) {
          effects.push(
            broadcast(T.GIFT_SHOWN, {
              giftShown: {
                userId,
                giftId: gift.giftId,
                giftName,
                quantity: gift.quantity,
                coins: gift.coins,
                streamTsMs: this.#stream(nowMs),
                senderTotalCoins: total,
              },
            }),
          );
        }
        const replayed = posting.status === "duplicate" || total === null;
        effects.push(reply({ gift: { ...gift, balanceCoins: posting.balanceCoins, replayed } }));
        return effects;
      }
    }
  }
}

function keyReused(): Effect {
  return refuse("GIFT_KEY_REUSED", "this key already paid for another gift");
}
