// The room's danmaku, likes, gifts, moderation and replay: an adapter like LiveRoom itself, which
// it serves. It moves frames, storage, D1 and time in and out of the pure rules in ./danmaku,
// ./gifts and ./replay; LiveRoom hands it the frames, alarms and broadcasts that concern it.
import { liveroom } from "../schema/proto";
import type { Role } from "../schema/auth";
import { coinAccount, coinBalance, postCoinTransfer } from "../schema/queries/coins";
import { loadDanmakuWords } from "../schema/queries/danmaku-words";
import { type CatalogGift, loadActivityHost, loadCatalog } from "../schema/queries/gifts";
import { writeReplay } from "../schema/queries/replay";
import { type DanmakuConfig, danmakuConfig, tickCap } from "./danmaku/config";
import { decideDanmaku, decideLike } from "./danmaku/decide";
import { compileFilter, type WordFilter } from "./danmaku/filter";
import { decideDelete, decideMute } from "./danmaku/moderation";
import { type PlayerBuckets, pruneBuckets } from "./danmaku/rate";
import { cryptoRng, offer } from "./danmaku/sampler";
import { closeTick, nextTickAt } from "./danmaku/tick";
import { decideGift, rankGifters } from "./gifts/gift";
import type { ClientRequest } from "./protocol/decode";
import { failure, success } from "./protocol/encode";
import type { Phase } from "./quiz/state";
import { senderStreamTs, streamPosition } from "./replay/stream-clock";
import { chunkTimeline, danmakuFrames, mergeTimeline, nextAnchor, timelineEntry } from "./replay/timeline";
import { type SocialState, SocialStore } from "./social-store";

const T = liveroom.Type;

/** Schedule rows (schedule.ts) this module owns. */
export const TICK_SCHEDULE = "danmakuTick";
export const ARCHIVE_SCHEDULE = "archive";

/** How long the word list, the gift catalog and the activity's host are cached in a room. */
const CACHE_MS = 30_000;
/** A tick overdue by this much was lost (its alarm threw after unscheduling it): schedule a new one. */
const STALE_TICK_MS = 1_000;
const ARCHIVE_RETRY_MS = 30_000;
const REPLAY_CHUNK_EVENTS = 500;
const REPLAY_CHUNK_BYTES = 200_000;

/** What the room lends this module: its storage, clock-free state and sockets. */
export interface SocialHost {
  sql: SqlStorage;
  transaction<T>(fn: () => T): T;
  db: D1Database;
  vars: Readonly<Record<string, unknown>>;
  activityId(): string | null;
  phase(): Phase;
  /** A numbered notification, through the room's broadcast (stored for RESUME, recorded for replay). */
  broadcast(type: number, event: Omit<liveroom.Notification.$Properties, "roomSeq">): void;
  /** The same bytes to every socket, unnumbered and not stored. */
  sendAll(bytes: Uint8Array): void;
  send(ws: WebSocket, bytes: Uint8Array): void;
  /** Writes a schedule row and arms the alarm for it. */
  schedule(name: string, atMs: number): void;
}

type Cached<T> = { value: T; atMs: number } | null;

/** A host's moderation step. */
export type ModerationOp =
  | { kind: "mute"; userId: string; durationMs: number }
  | { kind: "delete"; id: number };

/** `code` is a `liveroom.Code` name. */
export type ModerationResult =
  | { ok: true }
  | { ok: false; code: "MUTE_BAD_REQUEST" | "DANMAKU_UNKNOWN"; message: string };

type SocialRequest = Extract<
  ClientRequest,
  {
    type:
      | typeof T.DANMAKU
      | typeof T.LIKE
      | typeof T.GIFT
      | typeof T.GIFTERS
      | typeof T.DELETE_DANMAKU
      | typeof T.MUTE;
  }
>;

/** Whether a request is one this module handles. */
export function isSocialRequest(req: ClientRequest): req is SocialRequest {
  return (
    req.type === T.DANMAKU ||
    req.type === T.LIKE ||
    req.type === T.GIFT ||
    req.type === T.GIFTERS ||
    req.type === T.DELETE_DANMAKU ||
    req.type === T.MUTE
  );
}

export class SocialRoom {
  readonly #host: SocialHost;
  readonly #store: SocialStore;
  readonly #config: DanmakuConfig;
  readonly #cap: number;
  #state: SocialState;
  /** Ids in the current tick's reservoir slots, mirrored from storage. */
  #slots: number[];
  // In memory only: after an eviction every player starts with a full bucket again, which lets one
  // extra burst through; nothing stored depends on them.
  #buckets: PlayerBuckets = new Map();
  #likeBuckets: PlayerBuckets = new Map();
  #filter: Cached<WordFilter> = null;
  #catalog: Cached<Map<string, CatalogGift>> = null;
  #hostId: Cached<string | null> = null;
  readonly #rng = cryptoRng();

  constructor(host: SocialHost) {
    this.#host = host;
    this.#store = new SocialStore(host.sql);
    this.#config = danmakuConfig(host.vars);
    this.#cap = tickCap(this.#config);
    this.#state = this.#store.load();
    this.#slots = this.#store
      .pending()
      .sort((a, b) => a.slot - b.slot)
      .map((p) => p.id);
  }

  /** Whether an alarm task is this module's. */
  owns(task: string): boolean {
    return task === TICK_SCHEDULE || task === ARCHIVE_SCHEDULE;
  }

  async onAlarm(task: string): Promise<void> {
    if (task === TICK_SCHEDULE) this.#tick(Date.now());
    else if (task === ARCHIVE_SCHEDULE) await this.#archive();
  }

  /** Handles one of its frames from an authenticated user. Throws only on a bug (the room answers INTERNAL). */
  async handle(ws: WebSocket, userId: string, role: Role | null, req: SocialRequest): Promise<void> {
    switch (req.type) {
      case T.DANMAKU:
        return this.#danmaku(ws, userId, req);
      case T.LIKE:
        return this.#like(ws, userId, req);
      case T.GIFT:
        return this.#gift(ws, userId, req);
      case T.GIFTERS: {
        const limit = req.limit === 0 ? 10 : Math.min(req.limit, 50);
        const gifters = rankGifters(this.#store.gifters(), limit);
        this.#host.send(ws, success(req.type, req.seq, { gifters: { gifters } }));
        return;
      }
      case T.DELETE_DANMAKU:
      case T.MUTE: {
        if (role !== "host" && role !== "admin") {
          this.#host.send(
            ws,
            failure(req.type, req.seq, "FORBIDDEN", "moderation needs a host or admin token"),
          );
          return;
        }
        const op: ModerationOp =
          req.type === T.MUTE
            ? { kind: "mute", userId: req.userId, durationMs: req.durationMs }
            : { kind: "delete", id: req.id };
        const r = this.moderate(userId, op);
        this.#host.send(
          ws,
          r.ok ? success(req.type, req.seq, {}) : failure(req.type, req.seq, r.code, r.message),
        );
        return;
      }
    }
  }

  /** Called by the room for every numbered broadcast: moves the stream clock, records the replay's timeline. */
  recordBroadcast(
    type: number,
    event: Omit<liveroom.Notification.$Properties, "roomSeq">,
    nowMs: number,
  ): void {
    const anchor = nextAnchor(this.#state.anchor, type, event, nowMs);
    const entry = timelineEntry(type, event, anchor, nowMs);
    if (anchor !== this.#state.anchor) {
      this.#state = { ...this.#state, anchor };
      this.#store.save(this.#state);
    }
    if (entry !== null) this.#store.appendTimeline(entry);
    // The game is over: archive the replay once this event is stored.
    if (type === T.GAME_OVER) this.#host.schedule(ARCHIVE_SCHEDULE, nowMs);
  }

  likesTotal(): number {
    return this.#state.counters.likes;
  }

  stats() {
    const c = this.#state.counters;
    return {
      danmakuIn: c.in,
      danmakuShown: c.shown,
      danmakuDropped: c.dropped,
      danmakuBlocked: c.blocked,
      danmakuRefused: c.refused,
      danmakuDeleted: c.deleted,
      likes: c.likes,
      gifts: this.#state.gifts,
      giftCoins: this.#state.giftCoins,
    };
  }

  // ---- danmaku ----

  async #danmaku(ws: WebSocket, userId: string, req: Extract<SocialRequest, { type: typeof T.DANMAKU }>) {
    const filter = await this.#wordFilter();
    // From here to the reply everything is synchronous: no other frame interleaves.
    const now = Date.now();
    this.#catchUp(now);
    const d = decideDanmaku({
      userId,
      text: req.text,
      phase: this.#host.phase(),
      mutedUntilMs: this.#store.mutedUntil(userId),
      nowMs: now,
      buckets: this.#buckets,
      filter,
      config: this.#config,
    });
    this.#buckets = d.buckets;
    const c = this.#state.counters;
    switch (d.kind) {
      case "refused":
        // Not stored on its own: the count rides along with the room's next write.
        this.#state = { ...this.#state, counters: { ...c, refused: c.refused + 1 } };
        this.#host.send(ws, failure(req.type, req.seq, d.code, d.message));
        return;
      case "blocked":
        this.#commit({ ...this.#state, counters: { ...c, in: c.in + 1, blocked: c.blocked + 1 } });
        this.#host.send(
          ws,
          failure(req.type, req.seq, "DANMAKU_BLOCKED", "this danmaku contains a blocked word"),
        );
        return;
      case "accepted": {
        const id = this.#state.nextId;
        const streamTsMs = senderStreamTs(req.streamTsMs, streamPosition(this.#state.anchor, now));
        const o = offer({ seen: this.#state.seen, slots: this.#slots }, id, this.#cap, this.#rng);
        this.#host.transaction(() => {
          if (o.slot !== null)
            this.#store.putPending({ slot: o.slot, id, userId, text: d.text, streamTsMs, atMs: now });
          this.#commit({
            ...this.#state,
            counters: { ...c, in: c.in + 1 },
            seen: o.reservoir.seen,
            nextId: id + 1,
          });
          this.#ensureTick(now);
        });
        this.#slots = [...o.reservoir.slots];
        // The output gate holds this acknowledgement until the danmaku is durable.
        this.#host.send(ws, success(req.type, req.seq, { danmaku: { id, text: d.text, streamTsMs } }));
        return;
      }
    }
  }

  #like(ws: WebSocket, userId: string, req: Extract<SocialRequest, { type: typeof T.LIKE }>): void {
    this.#catchUp(Date.now());
    const d = decideLike({
      userId,
      count: req.count,
      phase: this.#host.phase(),
      nowMs: Date.now(),
      buckets: this.#likeBuckets,
      config: this.#config,
    });
    this.#likeBuckets = d.buckets;
    if (d.kind === "refused") {
      this.#host.send(ws, failure(req.type, req.seq, d.code, d.message));
      return;
    }
    const c = this.#state.counters;
    this.#host.transaction(() => {
      this.#commit({ ...this.#state, counters: { ...c, likes: c.likes + d.count } });
      this.#ensureTick(Date.now());
    });
    this.#host.send(ws, success(req.type, req.seq, {}));
  }

  /** Schedules the tick unless one is coming: the first danmaku or like after a quiet spell wakes the room. */
  #ensureTick(now: number): void {
    const at = this.#state.tickAtMs;
    if (at !== null && now <= at + STALE_TICK_MS) return;
    const next = nextTickAt(now, this.#config.tickMs);
    this.#commit({ ...this.#state, tickAtMs: next });
    this.#host.schedule(TICK_SCHEDULE, next);
  }

  /**
   * Closes a tick that is due before taking the next frame. Under a flood the runtime may run the alarm
   * only after the queued frames, so the frames themselves keep the ticks on time.
   */
  #catchUp(now: number): void {
    const at = this.#state.tickAtMs;
    if (at !== null && now >= at) this.#tick(now);
  }

  /** The tick: shows the sampled danmaku in one frame and the likes total in another; schedules nothing. */
  #tick(now: number): void {
    const at = this.#state.tickAtMs;
    // Closed already by a frame (#catchUp); a later batch keeps its own, later, schedule row.
    if (at === null) return;
    if (now < at) {
      this.#host.schedule(TICK_SCHEDULE, at);
      return;
    }
    const kept = this.#store.pending();
    const t = closeTick(this.#state.counters, this.#state.seen, kept);
    const streamTsMs = streamPosition(this.#state.anchor, now);
    this.#host.transaction(() => {
      if (kept.length > 0) this.#store.showPending(t.tick, streamTsMs, now);
      this.#commit({ ...this.#state, counters: t.counters, seen: 0, tickAtMs: null });
    });
    this.#slots = [];
    this.#buckets = pruneBuckets(this.#buckets, now);
    this.#likeBuckets = pruneBuckets(this.#likeBuckets, now);
    if (t.shown.length > 0) {
      const items = t.shown.map(({ id, userId, text, streamTsMs: ts }) => ({
        id,
        userId,
        text,
        streamTsMs: ts,
      }));
      this.#host.sendAll(
        liveroom.Frame.encode({
          type: T.DANMAKU_TICK,
          notification: { roomSeq: 0, danmakuTick: { tick: t.tick, streamTsMs, items, dropped: t.dropped } },
        }).finish(),
      );
    }
    if (t.likes !== null) {
      this.#host.sendAll(
        liveroom.Frame.encode({ type: T.LIKES, notification: { roomSeq: 0, likes: t.likes } }).finish(),
      );
    }
  }

  // ---- moderation ----

  /**
   * Host moderation, the same for host frames and the HTTP API (RPC): mute a player, or delete a
   * shown danmaku from every screen and from the replay.
   */
  moderate(hostId: string, op: ModerationOp): ModerationResult {
    if (op.kind === "mute") {
      const d = decideMute({ hostId, userId: op.userId, durationMs: op.durationMs, nowMs: Date.now() });
      if (!d.ok) return { ok: false, code: d.code, message: d.message };
      this.#store.setMute(op.userId, d.untilMs);
      return { ok: true };
    }
    const d = decideDelete(this.#store.shownState(op.id));
    if (d.kind === "unknown")
      return { ok: false, code: "DANMAKU_UNKNOWN", message: `no shown danmaku ${op.id}` };
    if (d.kind === "delete") {
      const c = this.#state.counters;
      this.#host.transaction(() => {
        this.#store.markDeleted(op.id);
        this.#commit({ ...this.#state, counters: { ...c, deleted: c.deleted + 1 } });
        // Already archived: archive again without it.
        if (this.#host.phase() === "ended") this.#host.schedule(ARCHIVE_SCHEDULE, Date.now());
      });
      this.#host.sendAll(
        liveroom.Frame.encode({
          type: T.DANMAKU_DELETED,
          notification: { roomSeq: 0, danmakuDeleted: { id: op.id } },
        }).finish(),
      );
    }
    return { ok: true };
  }

  // ---- gifts ----

  async #gift(
    ws: WebSocket,
    userId: string,
    req: Extract<SocialRequest, { type: typeof T.GIFT }>,
  ): Promise<void> {
    const activityId = this.#host.activityId()!;
    const [catalog, hostId] = await Promise.all([this.#giftCatalog(), this.#activityHost(activityId)]);
    const d = decideGift({
      phase: this.#host.phase(),
      activityId,
      senderId: userId,
      hostId,
      giftId: req.giftId,
      quantity: req.quantity,
      key: req.key,
      catalog,
    });
    if (!d.ok) {
      this.#host.send(ws, failure(req.type, req.seq, d.code, d.message));
      return;
    }
    const prior = this.#store.gift(userId, req.key);
    if (prior !== null) {
      if (prior.giftId !== d.gift.id || prior.quantity !== d.quantity) {
        this.#host.send(
          ws,
          failure(req.type, req.seq, "GIFT_KEY_REUSED", "this key already paid for another gift"),
        );
        return;
      }
      const balanceCoins = await coinBalance(this.#host.db, userId).catch(() => 0);
      this.#host.send(
        ws,
        success(req.type, req.seq, {
          gift: {
            giftId: prior.giftId,
            quantity: prior.quantity,
            coins: prior.coins,
            balanceCoins,
            replayed: true,
          },
        }),
      );
      return;
    }
    let posted: Awaited<ReturnType<typeof postCoinTransfer>>;
    try {
      posted = await postCoinTransfer(
        this.#host.db,
        {
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
        Date.now(),
      );
    } catch (err) {
      console.error("liveroom gift posting failed", { activityId, userId, key: req.key, err: String(err) });
      this.#host.send(
        ws,
        failure(req.type, req.seq, "GIFT_UNAVAILABLE", "coins are unavailable: send again with the same key"),
      );
      return;
    }
    switch (posted.status) {
      case "insufficient":
        this.#host.send(
          ws,
          failure(req.type, req.seq, "INSUFFICIENT_COINS", `this gift costs ${d.coins} coins`),
        );
        return;
      case "conflict":
        this.#host.send(
          ws,
          failure(req.type, req.seq, "GIFT_KEY_REUSED", "this key already paid for another gift"),
        );
        return;
      case "posted":
      case "duplicate": {
        // A duplicate the room never recorded is a gift paid just before an eviction: show it now.
        const now = Date.now();
        const gift = { giftId: d.gift.id, quantity: d.quantity, coins: d.coins };
        const total = this.#host.transaction(() => {
          const t = this.#store.recordGift(userId, req.key, gift, now);
          if (t !== null) {
            this.#commit({
              ...this.#state,
              gifts: this.#state.gifts + d.quantity,
              giftCoins: this.#state.giftCoins + d.coins,
            });
          }
          return t;
        });
        if (total !== null) {
          this.#host.broadcast(T.GIFT_SHOWN, {
            giftShown: {
              userId,
              giftId: d.gift.id,
              giftName: d.gift.name,
              quantity: d.quantity,
              coins: d.coins,
              streamTsMs: streamPosition(this.#state.anchor, now),
              senderTotalCoins: total,
            },
          });
        }
        this.#host.send(
          ws,
          success(req.type, req.seq, {
            gift: {
              ...gift,
              balanceCoins: posted.balanceCoins,
              replayed: posted.status === "duplicate" || total === null,
            },
          }),
        );
        return;
      }
    }
  }

  // ---- replay ----

  /** The `archive` alarm: the whole timeline to D1. Idempotent; retried in 30 s when D1 fails. */
  async #archive(): Promise<void> {
    const activityId = this.#host.activityId();
    if (activityId === null) return;
    const events = mergeTimeline(this.#store.timeline(), danmakuFrames(this.#store.shown()));
    const chunks = chunkTimeline(events, REPLAY_CHUNK_EVENTS, REPLAY_CHUNK_BYTES);
    try {
      await writeReplay(this.#host.db, activityId, chunks, Date.now());
    } catch (err) {
      console.error("liveroom replay archive failed", { activityId, err: String(err) });
      this.#host.schedule(ARCHIVE_SCHEDULE, Date.now() + ARCHIVE_RETRY_MS);
    }
  }

  // ---- state and caches ----

  #commit(state: SocialState): void {
    this.#state = state;
    this.#store.save(state);
  }

  async #wordFilter(): Promise<WordFilter> {
    const now = Date.now();
    if (this.#filter !== null && now - this.#filter.atMs < CACHE_MS) return this.#filter.value;
    const value = compileFilter(await loadDanmakuWords(this.#host.db));
    this.#filter = { value, atMs: now };
    return value;
  }

  async #giftCatalog(): Promise<Map<string, CatalogGift>> {
    const now = Date.now();
    if (this.#catalog !== null && now - this.#catalog.atMs < CACHE_MS) return this.#catalog.value;
    const value = await loadCatalog(this.#host.db);
    this.#catalog = { value, atMs: now };
    return value;
  }

  async #activityHost(activityId: string): Promise<string | null> {
    const now = Date.now();
    if (this.#hostId !== null && now - this.#hostId.atMs < CACHE_MS) return this.#hostId.value;
    const value = await loadActivityHost(this.#host.db, activityId);
    this.#hostId = { value, atMs: now };
    return value;
  }
}
