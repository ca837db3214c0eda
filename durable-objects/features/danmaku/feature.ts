// Danmaku and likes as a feature, split per shard (DESIGN §8, docs/live-room.md). On the player's
// shard: DANMAKU and LIKE (per-user limits, text checks, mutes, the word filter), collected into a
// batch that the `danmakuForward` task hands to the coordinator once a tick (`danmaku.accept`). At the
// coordinator: the waiting pool those batches merge into, the tick that shows at most `showPerSec`
// a second and the likes total, the room's totals, and the host's moderation: DELETE_DANMAKU, and
// MUTE, SHADOW_MUTE, SLOW_MODE and SET_WORDS, whose state is pushed to every shard (`danmaku.mutes`),
// where each player's danmaku is decided. One shard is the same code: shard 0 asks itself.
import { liveroom } from "../../../schema/proto";
import { loadDanmakuWords } from "../../../schema/queries/danmaku-words";
import type { RoomStatsView } from "../../../schema/room-stats";
import type { ModerationOp } from "../../control";
import { broadcast, type Effect, notify, refuse, reply } from "../../kernel/effects";
import { type Feature, frames } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import { senderStreamTs } from "../replay/stream-clock";
import type { ShownDanmaku } from "../replay/timeline";
import { type DanmakuConfig, danmakuConfig, poolCap } from "./config";
import { decideDanmaku, decideLike } from "./decide";
import { compileFilter, type WordFilter } from "./filter";
import { mergeSamples } from "./merge";
import {
  decideDelete,
  decideMute,
  decideShadow,
  decideSlowMode,
  decideWords,
  SHOW_MUTE_UNTIL_MS,
} from "./moderation";
import { type PlayerBuckets, pruneBuckets } from "./rate";
import { cryptoRng, offer } from "./sampler";
import { type DanmakuItem, type DanmakuState, DanmakuStore, type MuteList, type ShardState } from "./store";
import {
  closeTick,
  danmakuId,
  forwardDue,
  keepRecent,
  type RecentTick,
  type ShardCounters,
  tickDue,
  tickShowCap,
} from "./tick";

const T = liveroom.Type;
export const TICK_TASK = "danmakuTick";
export const FORWARD_TASK = "danmakuForward";
export const MUTES_TASK = "danmakuMutes";
/** How long the word list is cached in a room object. */
const CACHE_MS = 30_000;
/** A forward overdue by this much was lost: schedule a new one. */
const STALE_MS = 1_000;

export type DanmakuStats = Pick<
  RoomStatsView,
  | "danmakuIn"
  | "danmakuShown"
  | "danmakuDropped"
  | "danmakuBlocked"
  | "danmakuRefused"
  | "danmakuDeleted"
  | "likes"
>;

/** What a shard hands the coordinator once a tick: a uniform sample of the danmaku it accepted, and its likes. */
export interface ForwardBatch {
  /** 1, 2, 3 … per shard: the coordinator takes each once, so a batch sent again is not counted twice. */
  batch: number;
  /** Danmaku accepted into this batch; `items` is a uniform sample of them (at most the pool's size). */
  seen: number;
  items: DanmakuItem[];
  likes: number;
}

export class DanmakuFeature implements Feature {
  readonly name = "danmaku";
  readonly #s: RoomServices;
  readonly #store: DanmakuStore;
  readonly #config: DanmakuConfig;
  readonly #keep: number;
  readonly #stream: (nowMs: number) => number;
  /** The coordinator's part (unused on other shards). */
  #room: DanmakuState;
  /** This object's shard part. */
  #shard: ShardState;
  /** Ids in the collected batch's reservoir slots, mirrored from storage. */
  #slots: number[];
  #forwarding = false;
  // In memory only: after an eviction every player starts with a full bucket again, which lets one
  // extra burst through; nothing stored depends on them.
  #buckets: PlayerBuckets = new Map();
  #likeBuckets: PlayerBuckets = new Map();
  /** The platform's words (D1), read again after CACHE_MS. */
  #platform: { words: string[]; atMs: number } | null = null;
  /** The filter compiled from the platform's words and the room's, for the moderation version `v`. */
  #filter: { value: WordFilter; v: number; platformAtMs: number } | null = null;
  readonly #rng = cryptoRng();
  /** The coordinator's ticks of the last second (`tickShowCap`); read from storage after a restart. */
  #recent: RecentTick[] | null = null;

  /** `stream`: the room's stream position estimate (the replay feature's clock). */
  constructor(s: RoomServices, stream: (nowMs: number) => number) {
    this.#s = s;
    this.#store = new DanmakuStore(s.sql);
    this.#config = danmakuConfig(s.env as unknown as Record<string, unknown>);
    this.#keep = poolCap(this.#config);
    this.#stream = stream;
    this.#room = this.#store.load();
    this.#shard = this.#store.loadShard();
    this.#slots = this.#store.collectingSlots();
  }

  readonly frames = frames({
    [T.DANMAKU]: {
      scope: "player",
      role: "viewer",
      prepare: async (_req, ctx) => {
        if (this.#platform !== null && ctx.nowMs - this.#platform.atMs < CACHE_MS) return;
        const words = await loadDanmakuWords(this.#s.env.DB);
        this.#platform = { words, atMs: this.#s.clock.now() };
      },
      handle: (req, ctx) => {
        const now = ctx.nowMs;
        const slowSec = this.#shard.slowSec;
        const d = decideDanmaku({
          userId: ctx.userId,
          text: req.text,
          phase: this.#s.room().phase,
          mutedUntilMs: this.#store.mutedUntil(ctx.userId),
          slowModeSec: slowSec,
          lastSentMs: slowSec > 0 ? this.#store.lastSent(ctx.userId) : null,
          nowMs: now,
          buckets: this.#buckets,
          filter: this.#wordFilter(),
          config: this.#config,
        });
        this.#buckets = d.buckets;
        const sh = this.#shard;
        const c = sh.counters;
        if (d.kind !== "refused" && slowSec > 0) this.#store.setLastSent(ctx.userId, now);
        switch (d.kind) {
          case "refused":
            // Not stored on its own: the count rides along with this object's next write.
            this.#shard = { ...sh, counters: { ...c, refused: c.refused + 1 } };
            return [refuse(d.code, d.message)];
          case "blocked":
            this.#commitShard({ ...sh, counters: { ...c, in: c.in + 1, blocked: c.blocked + 1 } });
            return [refuse("DANMAKU_BLOCKED", "this danmaku contains a blocked word")];
          case "accepted": {
            const id = danmakuId(sh.nextLocal, this.#s.shards.index(), this.#s.shards.count());
            const streamTsMs = senderStreamTs(req.streamTsMs, this.#stream(now));
            if (this.#store.isShadowMuted(ctx.userId)) {
              // Shadow muted: answered as usual and echoed to the sender's own sockets; never
              // forwarded, so no tick, count or replay of anyone else's has it.
              this.#commitShard({ ...sh, nextLocal: sh.nextLocal + 1 });
              const item = { id, userId: ctx.userId, text: d.text, streamTsMs };
              return [
                reply({ danmaku: { id, text: d.text, streamTsMs } }),
                {
                  kind: "sendUser",
                  userId: ctx.userId,
                  type: T.DANMAKU_TICK,
                  event: { danmakuTick: { tick: 0, streamTsMs, items: [item], dropped: 0 } },
                },
              ];
            }
            const o = offer({ seen: sh.seen, slots: this.#slots }, id, this.#keep, this.#rng);
            if (o.slot !== null)
              this.#store.putOutgoing(o.slot, {
                id,
                userId: ctx.userId,
                text: d.text,
                streamTsMs,
                atMs: now,
              });
            this.#slots = [...o.reservoir.slots];
            this.#commitShard({
              ...sh,
              counters: { ...c, in: c.in + 1 },
              seen: o.reservoir.seen,
              nextLocal: sh.nextLocal + 1,
            });
            return [reply({ danmaku: { id, text: d.text, streamTsMs } }), ...this.#ensureForward(now)];
          }
        }
      },
    },
    [T.LIKE]: {
      scope: "player",
      role: "viewer",
      handle: (req, ctx) => {
        const d = decideLike({
          userId: ctx.userId,
          count: req.count,
          phase: this.#s.room().phase,
          nowMs: ctx.nowMs,
          buckets: this.#likeBuckets,
          config: this.#config,
        });
        this.#likeBuckets = d.buckets;
        if (d.kind === "refused") return [refuse(d.code, d.message)];
        this.#commitShard({ ...this.#shard, likes: this.#shard.likes + d.count });
        return [reply(), ...this.#ensureForward(ctx.nowMs)];
      },
    },
    [T.DELETE_DANMAKU]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) => this.moderate(ctx.userId, { kind: "delete", id: req.id }, ctx.nowMs),
    },
    [T.MUTE]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) =>
        this.moderate(
          ctx.userId,
          { kind: "mute", userId: req.userId, durationMs: req.durationMs, forShow: req.forShow },
          ctx.nowMs,
        ),
    },
    [T.SLOW_MODE]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) => this.moderate(ctx.userId, { kind: "slowMode", seconds: req.seconds }, ctx.nowMs),
    },
    [T.SHADOW_MUTE]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) =>
        this.moderate(ctx.userId, { kind: "shadow", userId: req.userId, on: req.on }, ctx.nowMs),
    },
    [T.SET_WORDS]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) => this.moderate(ctx.userId, { kind: "words", words: req.words }, ctx.nowMs),
    },
    [T.MODERATION]: {
      scope: "room",
      role: "host",
      handle: (_req, ctx) => this.moderate(ctx.userId, { kind: "read" }, ctx.nowMs),
    },
  });

  readonly tasks = {
    /** `danmakuTick` (coordinator): shows the oldest waiting danmaku and the likes total. */
    [TICK_TASK]: { scope: "room" as const, run: (_arg: string, nowMs: number) => this.#tick(nowMs) },
    /** `danmakuForward` (every shard): hands the collected batch to the coordinator; throws to be retried. */
    [FORWARD_TASK]: {
      scope: "player" as const,
      run: (_arg: string, nowMs: number) => this.#forward(nowMs),
    },
    /** `danmakuMutes` (coordinator): the room's mutes to every shard; throws (retried) until all have them. */
    [MUTES_TASK]: {
      scope: "room" as const,
      run: async (): Promise<Effect[]> => {
        await this.#s.shards.each("danmaku.mutes", this.#muteList());
        return [];
      },
    },
  };

  /** What the coordinator does for a shard (DESIGN §8). */
  readonly coordinatorOps = {
    /** Takes a shard's batch (once: a batch sent again is recognised by its number) into the pool. */
    accept: (arg: unknown, nowMs: number) => {
      const { shard, arg: batch } = arg as { shard: number; arg: ForwardBatch };
      return { result: null, effects: this.#accept(shard, batch, nowMs) };
    },
  };

  /** What a shard does for its coordinator. */
  readonly shardOps = {
    /** Takes the room's moderation (mutes, shadow mutes, slow mode, words), if newer than the copy here. */
    mutes: (arg: unknown) => {
      const list = arg as MuteList;
      if (list.v > this.#shard.mutesV) {
        this.#store.replaceMutes(list.mutes);
        this.#store.replaceShadow(list.shadow ?? []);
        this.#store.replaceRoomWords(list.words ?? []);
        this.#commitShard({ ...this.#shard, mutesV: list.v, slowSec: list.slowSec ?? 0 });
      }
      return { result: null, effects: [] };
    },
  };

  /** Called after a deletion once the game ended, so that the replay is archived again without it. */
  onDeleted: (nowMs: number) => Effect[] = () => [];

  /**
   * Host moderation at the coordinator, the same for host frames and the HTTP API: mute a player for a
   * while or the show, shadow mute, slow mode, the room's words (each pushed to every shard, which
   * decides its players' danmaku with it), read the state, or delete a shown danmaku from every screen
   * and from the replay. Ends with a reply (the moderation state after it, but for mute and delete)
   * or a refusal.
   */
  moderate(hostId: string, op: ModerationOp, nowMs: number): Effect[] {
    switch (op.kind) {
      case "mute": {
        const d = decideMute({
          hostId,
          userId: op.userId,
          durationMs: op.durationMs,
          forShow: op.forShow,
          nowMs,
        });
        if (!d.ok) return [refuse(d.code, d.message)];
        this.#store.setMute(op.userId, d.untilMs, nowMs);
        return [...this.#pushModeration(this.#shard), reply()];
      }
      case "shadow": {
        const d = decideShadow({ hostId, userId: op.userId });
        if (!d.ok) return [refuse(d.code, d.message)];
        this.#store.setShadow(op.userId, op.on);
        return [...this.#pushModeration(this.#shard), reply({ moderation: this.moderation(nowMs) })];
      }
      case "slowMode": {
        const d = decideSlowMode(op.seconds);
        if (!d.ok) return [refuse(d.code, d.message)];
        const changed = d.seconds !== this.#shard.slowSec;
        const effects = this.#pushModeration({ ...this.#shard, slowSec: d.seconds });
        if (changed) effects.push(broadcast(T.SLOW_MODE_CHANGED, { slowMode: { seconds: d.seconds } }));
        return [...effects, reply({ moderation: this.moderation(nowMs) })];
      }
      case "words": {
        const d = decideWords(op.words);
        if (!d.ok) return [refuse(d.code, d.message)];
        this.#store.replaceRoomWords(d.words);
        return [...this.#pushModeration(this.#shard), reply({ moderation: this.moderation(nowMs) })];
      }
      case "read":
        return [reply({ moderation: this.moderation(nowMs) })];
      case "delete":
        return this.#delete(op.id, nowMs);
    }
  }

  /** The room's moderation now (the coordinator's): what MODERATION and the HTTP API answer. */
  moderation(nowMs: number): liveroom.Moderation.$Properties {
    return {
      slowModeSeconds: this.#shard.slowSec,
      mutes: this.#store
        .mutes()
        .filter((m) => m.untilMs > nowMs)
        .map((m) =>
          m.untilMs === SHOW_MUTE_UNTIL_MS
            ? { userId: m.userId, untilMs: 0, forShow: true }
            : { userId: m.userId, untilMs: m.untilMs, forShow: false },
        ),
      shadowMuted: this.#store.shadowMuted(),
      words: this.#store.roomWords(),
    };
  }

  /** Slow mode on this object's copy (the welcome's `slow_mode_seconds`). */
  slowModeSeconds(): number {
    return this.#shard.slowSec;
  }

  /**
   * A new version of the room's moderation, stored with `state`: every shard has it before the host
   * is answered; one that could not be reached gets it from the task's retries.
   */
  #pushModeration(state: ShardState): Effect[] {
    this.#commitShard({ ...state, mutesV: state.mutesV + 1 });
    return [{ kind: "runTask", task: MUTES_TASK }];
  }

  /** Deletes a shown danmaku from every screen and from the replay (a second delete is a no-op success). */
  #delete(id: number, nowMs: number): Effect[] {
    const d = decideDelete(this.#store.shownState(id));
    if (d.kind === "unknown") return [refuse("DANMAKU_UNKNOWN", `no shown danmaku ${id}`)];
    if (d.kind === "already") return [reply()];
    const c = this.#room.counters;
    this.#store.markDeleted(id);
    this.#commitRoom({ ...this.#room, counters: { ...c, deleted: c.deleted + 1 } });
    return [...this.onDeleted(nowMs), notify(T.DANMAKU_DELETED, { danmakuDeleted: { id } }), reply()];
  }

  likesTotal(): number {
    return this.#room.counters.likes;
  }

  shown(): ShownDanmaku[] {
    return this.#store.shown();
  }

  /** This shard's figures, for the coordinator's totals. */
  shardFigures(): ShardCounters {
    return this.#shard.counters;
  }

  /** The room's figures: the coordinator's and every shard's. */
  stats(shards: readonly ShardCounters[]): DanmakuStats {
    const c = this.#room.counters;
    const sum = (k: keyof ShardCounters) => shards.reduce((n, s) => n + s[k], 0);
    return {
      danmakuIn: sum("in"),
      danmakuShown: c.shown,
      danmakuDropped: c.dropped,
      danmakuBlocked: sum("blocked"),
      danmakuRefused: sum("refused"),
      danmakuDeleted: c.deleted,
      likes: c.likes,
    };
  }

  #muteList(): MuteList {
    return {
      v: this.#shard.mutesV,
      mutes: this.#store.mutes(),
      shadow: this.#store.shadowMuted(),
      slowSec: this.#shard.slowSec,
      words: this.#store.roomWords(),
    };
  }

  /** The platform's words and the room's, compiled again when either changed. */
  #wordFilter(): WordFilter {
    const platform = this.#platform ?? { words: [], atMs: 0 };
    const f = this.#filter;
    if (f !== null && f.v === this.#shard.mutesV && f.platformAtMs === platform.atMs) return f.value;
    const value = compileFilter([...platform.words, ...this.#store.roomWords()]);
    this.#filter = { value, v: this.#shard.mutesV, platformAtMs: platform.atMs };
    return value;
  }

  // ---- a shard's side ----

  /** Schedules the forward unless one is coming: a tick after the last one, or a tick from now after a quiet spell. */
  #ensureForward(now: number): Effect[] {
    const at = this.#shard.forwardAtMs;
    if (at !== null && now <= at + STALE_MS) return [];
    const due = forwardDue(this.#shard.lastForwardMs, now, this.#config.tickMs);
    this.#commitShard({ ...this.#shard, forwardAtMs: due });
    return [{ kind: "schedule", task: FORWARD_TASK, atMs: due }];
  }

  /**
   * Hands the collected batch to the coordinator: sealed first (numbered, so a batch sent again after
   * a failure or a lost answer is taken once), confirmed after. Throws when the coordinator could not
   * be reached: the alarm sends the same sealed batch again.
   */
  async #forward(now: number): Promise<Effect[]> {
    // One forward at a time; the one running schedules what arrived meanwhile.
    if (this.#forwarding) return [{ kind: "schedule", task: FORWARD_TASK, atMs: now + this.#config.tickMs }];
    this.#forwarding = true;
    try {
      let sh = this.#shard;
      if (sh.sealed === null) {
        if (sh.seen === 0 && sh.likes === 0) {
          this.#commitShard({ ...sh, forwardAtMs: null });
          return [];
        }
        this.#store.seal(sh.nextBatch);
        sh = {
          ...sh,
          sealed: { batch: sh.nextBatch, seen: sh.seen, likes: sh.likes },
          seen: 0,
          likes: 0,
          nextBatch: sh.nextBatch + 1,
          forwardAtMs: null,
          lastForwardMs: sh.forwardAtMs ?? now,
        };
        this.#slots = [];
        this.#commitShard(sh);
      } else if (sh.forwardAtMs !== null) {
        // Sending again a batch that failed: this run took the schedule row an arrival had set.
        sh = { ...sh, forwardAtMs: null };
        this.#commitShard(sh);
      }
      const sealed = sh.sealed!;
      const batch: ForwardBatch = { ...sealed, items: this.#store.outgoing(sealed.batch) };
      await this.#s.shards.ask("danmaku.accept", batch);
      this.#store.dropOutgoing(sealed.batch);
      this.#commitShard({ ...this.#shard, sealed: null });
      this.#buckets = pruneBuckets(this.#buckets, now);
      this.#store.pruneLastSent(now - this.#shard.slowSec * 1000);
      this.#likeBuckets = pruneBuckets(this.#likeBuckets, now);
      const more = this.#shard.seen > 0 || this.#shard.likes > 0;
      return more && this.#shard.forwardAtMs === null ? this.#ensureForward(now) : [];
    } finally {
      this.#forwarding = false;
    }
  }

  // ---- the coordinator's side ----

  /** A shard's batch: merged into the waiting pool (a uniform sample of at most two ticks' worth). */
  #accept(shard: number, batch: ForwardBatch, now: number): Effect[] {
    if (batch.batch <= this.#store.lastBatch(shard)) return [];
    this.#store.setLastBatch(shard, batch.batch);
    const pool = this.#store.pool();
    const m = mergeSamples(
      [
        { seen: pool.length, items: pool },
        { seen: batch.seen, items: batch.items },
      ],
      this.#keep,
      this.#rng,
    );
    this.#store.setPool(m.kept);
    const r = this.#room;
    const c = r.counters;
    this.#commitRoom({
      ...r,
      counters: { ...c, dropped: c.dropped + m.dropped, likes: c.likes + batch.likes },
      droppedSince: r.droppedSince + m.dropped,
    });
    return this.#ensureTick(now, shard === 0);
  }

  /**
   * Schedules the tick unless one is coming: a tick after the last one, or now after a quiet spell.
   * A due tick closes here only for the coordinator's own batch (`local`: its own alarm, one alarm a
   * cycle instead of two in a one-shard room). Never for another shard's: that shard waits for this
   * answer and a tick fans out to every shard — with four shards, a tick closed inside a shard's
   * `danmaku.accept` hung that shard's forward and the coordinator's fan-out on each other.
   */
  #ensureTick(now: number, local: boolean): Effect[] {
    const at = this.#room.tickAtMs;
    if (at !== null) return local && now >= at ? this.#tick(now) : [];
    const due = tickDue(this.#room.lastTickMs, now, this.#config.tickMs);
    this.#commitRoom({ ...this.#room, tickAtMs: due });
    return local && due <= now ? this.#tick(now) : [{ kind: "schedule", task: TICK_TASK, atMs: due }];
  }

  #tick(now: number): Effect[] {
    const due = this.#room.tickAtMs;
    if (due === null) return [];
    if (now < due) return [{ kind: "schedule", task: TICK_TASK, atMs: due }];
    const pool = this.#store.pool();
    const c = this.#room.counters;
    if (pool.length === 0 && c.likes === c.likesShown) {
      // Nothing to show: this tick takes no place in the cadence.
      this.#commitRoom({ ...this.#room, tickAtMs: null });
      return [];
    }
    this.#recent ??= this.#store.recentTicks(c.ticks - Math.ceil(1000 / this.#config.tickMs));
    const t = closeTick(c, pool, tickShowCap(this.#recent, due, this.#config));
    this.#recent = keepRecent([...this.#recent, { atMs: due, shown: t.shown.length }], due);
    // A tick is stamped with its due time: ticks are a fixed cadence even when one closes late.
    const streamTsMs = this.#stream(due);
    this.#store.setPool(t.waiting);
    this.#store.addShown(t.shown, t.tick, streamTsMs, due);
    const next = t.waiting.length > 0 ? tickDue(due, now, this.#config.tickMs) : null;
    const dropped = this.#room.droppedSince;
    this.#commitRoom({ counters: t.counters, droppedSince: 0, tickAtMs: next, lastTickMs: due });
    const effects: Effect[] = [];
    if (t.shown.length > 0) {
      const items = t.shown.map(({ id, userId, text, streamTsMs: ts }) => ({
        id,
        userId,
        text,
        streamTsMs: ts,
      }));
      effects.push(notify(T.DANMAKU_TICK, { danmakuTick: { tick: t.tick, streamTsMs, items, dropped } }));
    }
    if (t.likes !== null) effects.push(notify(T.LIKES, { likes: t.likes }));
    if (next !== null) effects.push({ kind: "schedule", task: TICK_TASK, atMs: next });
    return effects;
  }

  #commitRoom(state: DanmakuState): void {
    this.#room = state;
    this.#store.save(state);
  }

  #commitShard(state: ShardState): void {
    this.#shard = state;
    this.#store.saveShard(state);
  }
}
