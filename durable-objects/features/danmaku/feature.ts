// Danmaku and likes as a feature: DANMAKU and LIKE (player-scoped: per-user limits and the word
// filter), the host's DELETE_DANMAKU and MUTE, and the tick (room-scoped) that shows a sample of at
// most `showPerSec` danmaku and the likes total. Likes ride the danmaku tick: one cadence, one alarm.
import { liveroom } from "../../../schema/proto";
import { loadDanmakuWords } from "../../../schema/queries/danmaku-words";
import type { RoomStatsView } from "../../../schema/room-stats";
import { type DanmakuConfig, danmakuConfig, tickCap } from "./config";
import { decideDanmaku, decideLike } from "./decide";
import { compileFilter, type WordFilter } from "./filter";
import { decideDelete, decideMute } from "./moderation";
import { type PlayerBuckets, pruneBuckets } from "./rate";
import { cryptoRng, offer } from "./sampler";
import { closeTick, nextTickAt } from "./tick";
import type { ModerationOp } from "../../control";
import { type Effect, notify, refuse, reply } from "../../kernel/effects";
import { type Feature, frames } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import { senderStreamTs } from "../replay/stream-clock";
import type { ShownDanmaku } from "../replay/timeline";
import { type DanmakuState, DanmakuStore } from "./store";

const T = liveroom.Type;
export const TICK_TASK = "danmakuTick";
/** How long the word list is cached in a room. */
const CACHE_MS = 30_000;
/** A tick overdue by this much was lost: schedule a new one. */
const STALE_TICK_MS = 1_000;

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

export class DanmakuFeature implements Feature {
  readonly name = "danmaku";
  readonly #s: RoomServices;
  readonly #store: DanmakuStore;
  readonly #config: DanmakuConfig;
  readonly #cap: number;
  readonly #stream: (nowMs: number) => number;
  #state: DanmakuState;
  /** Ids in the current tick's reservoir slots, mirrored from storage. */
  #slots: number[];
  // In memory only: after an eviction every player starts with a full bucket again, which lets one
  // extra burst through; nothing stored depends on them.
  #buckets: PlayerBuckets = new Map();
  #likeBuckets: PlayerBuckets = new Map();
  #filter: { value: WordFilter; atMs: number } | null = null;
  readonly #rng = cryptoRng();

  /** `stream`: the room's stream position estimate (the replay feature's clock). */
  constructor(s: RoomServices, stream: (nowMs: number) => number) {
    this.#s = s;
    this.#store = new DanmakuStore(s.sql);
    this.#config = danmakuConfig(s.env as unknown as Record<string, unknown>);
    this.#cap = tickCap(this.#config);
    this.#stream = stream;
    this.#state = this.#store.load();
    this.#slots = this.#store
      .pending()
      .sort((a, b) => a.slot - b.slot)
      .map((p) => p.id);
  }

  readonly frames = frames({
    [T.DANMAKU]: {
      // At the coordinator, with the whole room's state, until this feature is split per shard (docs/scale.md).
      scope: "room",
      role: "viewer",
      prepare: async (_req, ctx) => {
        if (this.#filter !== null && ctx.nowMs - this.#filter.atMs < CACHE_MS) return;
        const value = compileFilter(await loadDanmakuWords(this.#s.env.DB));
        this.#filter = { value, atMs: this.#s.clock.now() };
      },
      handle: (req, ctx) => {
        const now = ctx.nowMs;
        const effects = this.#catchUp(now);
        const d = decideDanmaku({
          userId: ctx.userId,
          text: req.text,
          phase: this.#s.room().phase,
          mutedUntilMs: this.#store.mutedUntil(ctx.userId),
          nowMs: now,
          buckets: this.#buckets,
          filter: this.#filter!.value,
          config: this.#config,
        });
        this.#buckets = d.buckets;
        const c = this.#state.counters;
        switch (d.kind) {
          case "refused":
            // Not stored on its own: the count rides along with the room's next write.
            this.#state = { ...this.#state, counters: { ...c, refused: c.refused + 1 } };
            return [...effects, refuse(d.code, d.message)];
          case "blocked":
            this.#commit({ ...this.#state, counters: { ...c, in: c.in + 1, blocked: c.blocked + 1 } });
            return [...effects, refuse("DANMAKU_BLOCKED", "this danmaku contains a blocked word")];
          case "accepted": {
            const id = this.#state.nextId;
            const streamTsMs = senderStreamTs(req.streamTsMs, this.#stream(now));
            const o = offer({ seen: this.#state.seen, slots: this.#slots }, id, this.#cap, this.#rng);
            if (o.slot !== null)
              this.#store.putPending({
                slot: o.slot,
                id,
                userId: ctx.userId,
                text: d.text,
                streamTsMs,
                atMs: now,
              });
            this.#commit({
              ...this.#state,
              counters: { ...c, in: c.in + 1 },
              seen: o.reservoir.seen,
              nextId: id + 1,
            });
            this.#slots = [...o.reservoir.slots];
            return [
              ...effects,
              ...this.#ensureTick(now),
              reply({ danmaku: { id, text: d.text, streamTsMs } }),
            ];
          }
        }
      },
    },
    [T.LIKE]: {
      // At the coordinator, with the whole room's state, until this feature is split per shard (docs/scale.md).
      scope: "room",
      role: "viewer",
      handle: (req, ctx) => {
        const effects = this.#catchUp(ctx.nowMs);
        const d = decideLike({
          userId: ctx.userId,
          count: req.count,
          phase: this.#s.room().phase,
          nowMs: ctx.nowMs,
          buckets: this.#likeBuckets,
          config: this.#config,
        });
        this.#likeBuckets = d.buckets;
        if (d.kind === "refused") return [...effects, refuse(d.code, d.message)];
        const c = this.#state.counters;
        this.#commit({ ...this.#state, counters: { ...c, likes: c.likes + d.count } });
        return [...effects, ...this.#ensureTick(ctx.nowMs), reply()];
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
          { kind: "mute", userId: req.userId, durationMs: req.durationMs },
          ctx.nowMs,
        ),
    },
  });

  readonly tasks = {
    /** `danmakuTick`: shows the sampled danmaku and the likes total; schedules nothing. */
    [TICK_TASK]: { scope: "room" as const, run: (_arg: string, nowMs: number) => this.#tick(nowMs) },
  };

  /** Called after a deletion once the game ended, so that the replay is archived again without it. */
  onDeleted: (nowMs: number) => Effect[] = () => [];

  /**
   * Host moderation, the same for host frames and the HTTP API: mute a player, or delete a shown
   * danmaku from every screen and from the replay. Ends with a reply or a refusal.
   */
  moderate(hostId: string, op: ModerationOp, nowMs: number): Effect[] {
    if (op.kind === "mute") {
      const d = decideMute({ hostId, userId: op.userId, durationMs: op.durationMs, nowMs });
      if (!d.ok) return [refuse(d.code, d.message)];
      this.#store.setMute(op.userId, d.untilMs);
      return [reply()];
    }
    const d = decideDelete(this.#store.shownState(op.id));
    if (d.kind === "unknown") return [refuse("DANMAKU_UNKNOWN", `no shown danmaku ${op.id}`)];
    if (d.kind === "already") return [reply()];
    const c = this.#state.counters;
    this.#store.markDeleted(op.id);
    this.#commit({ ...this.#state, counters: { ...c, deleted: c.deleted + 1 } });
    return [...this.onDeleted(nowMs), notify(T.DANMAKU_DELETED, { danmakuDeleted: { id: op.id } }), reply()];
  }

  likesTotal(): number {
    return this.#state.counters.likes;
  }

  shown(): ShownDanmaku[] {
    return this.#store.shown();
  }

  stats(): DanmakuStats {
    const c = this.#state.counters;
    return {
      danmakuIn: c.in,
      danmakuShown: c.shown,
      danmakuDropped: c.dropped,
      danmakuBlocked: c.blocked,
      danmakuRefused: c.refused,
      danmakuDeleted: c.deleted,
      likes: c.likes,
    };
  }

  /** Schedules the tick unless one is coming: the first danmaku or like after a quiet spell wakes the room. */
  #ensureTick(now: number): Effect[] {
    const at = this.#state.tickAtMs;
    if (at !== null && now <= at + STALE_TICK_MS) return [];
    const next = nextTickAt(now, this.#config.tickMs);
    this.#commit({ ...this.#state, tickAtMs: next });
    return [{ kind: "schedule", task: TICK_TASK, atMs: next }];
  }

  /**
   * Closes a tick that is due before taking the next frame. Under a flood the runtime may run the
   * alarm only after the queued frames, so the frames themselves keep the ticks on time.
   */
  #catchUp(now: number): Effect[] {
    const at = this.#state.tickAtMs;
    return at !== null && now >= at ? this.#tick(now) : [];
  }

  #tick(now: number): Effect[] {
    const at = this.#state.tickAtMs;
    // Closed already by a frame (#catchUp); a later batch keeps its own, later, task.
    if (at === null) return [];
    if (now < at) return [{ kind: "schedule", task: TICK_TASK, atMs: at }];
    const kept = this.#store.pending();
    const t = closeTick(this.#state.counters, this.#state.seen, kept);
    const streamTsMs = this.#stream(now);
    if (kept.length > 0) this.#store.showPending(t.tick, streamTsMs, now);
    this.#commit({ ...this.#state, counters: t.counters, seen: 0, tickAtMs: null });
    this.#slots = [];
    this.#buckets = pruneBuckets(this.#buckets, now);
    this.#likeBuckets = pruneBuckets(this.#likeBuckets, now);
    const effects: Effect[] = [];
    if (t.shown.length > 0) {
      const items = t.shown.map(({ id, userId, text, streamTsMs: ts }) => ({
        id,
        userId,
        text,
        streamTsMs: ts,
      }));
      effects.push(
        notify(T.DANMAKU_TICK, { danmakuTick: { tick: t.tick, streamTsMs, items, dropped: t.dropped } }),
      );
    }
    if (t.likes !== null) effects.push(notify(T.LIKES, { likes: t.likes }));
    return effects;
  }

  #commit(state: DanmakuState): void {
    this.#state = state;
    this.#store.save(state);
  }
}
