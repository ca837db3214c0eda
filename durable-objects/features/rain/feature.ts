// The red-packet rain as a feature: START_RAIN, the pool, its end and the throttle at the coordinator
// (room-scoped); GRAB on the player's shard (player-scoped), from slices of the pool the shard asks the
// coordinator for (DESIGN §8, docs/scale.md). Rules in the pure modules beside; this file moves rows and effects.
import { liveroom } from "../../../schema/proto";
import type { RoomStatsView } from "../../../schema/room-stats";
import { type Effect, broadcast, refuse } from "../../kernel/effects";
import { type Feature, frames } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import { decideGrab, type GrabRejectCode } from "./grab";
import { replayId } from "./grab-id";
import { rainPackets } from "./packets";
import { createRateWindow, ratePerSec, recordEvents } from "../../kernel/rate-window";
import {
  bucketLimits,
  countGrant,
  countTap,
  decideRainStart,
  endRecord,
  type RainRecord,
  refusalCode,
  throttleUpdate,
} from "./record";
import { isRainActive, packetsLeft } from "./run";
import { createBucket, type TokenBucket, take } from "../../kernel/token-bucket";
import { type Holding, RainStore, type ShardPart } from "./store";

const T = liveroom.Type;
/** The task that ends rain r on time: `rainEnd:<r>`. */
const END = "rainEnd";
/** The coordinator's task that takes back every shard's unused packets of rain r: `rainReclaim:<r>`. */
const RECLAIM = "rainReclaim";
/** A shard's task: its holdings of the pool's last slice ran out, so the coordinator looks again: `rainDrained:<r>`. */
const DRAINED = "rainDrained";
/** The most packets one slice carries (a shard asks again when it has granted them). */
const MAX_SLICE = 64;

/** Packet indexes [start, end). */
interface Range {
  start: number;
  end: number;
}

/** The coordinator's answer to a shard's ask for packets: slices, and whether the pool has no more. */
interface SliceAnswer {
  ranges: Range[];
  last: boolean;
}

/** One shard's figures of the current rain, for the room's totals. */
export interface RainShardFigures {
  rain: number;
  grantedCents: number;
  grantedPackets: number;
  grabs: number;
  throttled: number;
  grabsPerSec: number;
}

/** The rain figures of the operator's stats. */
export type RainStats = Pick<
  RoomStatsView,
  | "packetsLeft"
  | "grantedCents"
  | "grabs"
  | "throttled"
  | "rain"
  | "rainRunning"
  | "grantedPackets"
  | "grabsPerSec"
  | "throttlePpm"
>;

/** The rain's part of a player's snapshot. */
export interface RainWelcome {
  grabbed: number;
  /** The running rain, or null between rains. */
  rain: liveroom.RainStarted.$Properties | null;
}

const GRAB_MESSAGE: Record<GrabRejectCode, string> = {
  NO_RAIN: "no rain is running",
  NONE_LEFT: "the rain's packets are all taken",
  CAP_REACHED: "you hold the most packets allowed in this activity",
  RATE_LIMITED: "too many taps right now: tap again",
};

export class RainFeature implements Feature {
  readonly name = "rain";
  readonly #s: RoomServices;
  readonly #rains: RainStore;
  /**
   * The room's current or last rain: the coordinator's own record (its cursor is the next packet it
   * hands out), a shard's copy of it (the replica). Rewritten on every handout, throttle change and end.
   */
  #rain: RainRecord | null;
  // In memory only: after an eviction the bucket starts full again, which lets at most one extra
  // burst reach the pool; the pool, the caps and the grants are in storage, so no money moves twice.
  #bucket: TokenBucket | null = null;
  #tapWindow = createRateWindow(5);
  /** The slices a GRAB's `prepare` got from the coordinator, for its `handle`. */
  readonly #fetched = new WeakMap<object, SliceAnswer>();
  /** Rains whose reclaim is running at the coordinator (one at a time). */
  readonly #reclaiming = new Map<number, { done: Promise<void>; resolve: () => void }>();
  // This shard's part of each rain, written with its next grant: a refused tap is not a write of its
  // own (a storm of refusals costs no storage); an eviction may lose the count of refused taps since.
  readonly #parts = new Map<number, ShardPart>();

  constructor(s: RoomServices) {
    this.#s = s;
    this.#rains = new RainStore(s.sql);
    this.#rain = this.#rains.current();
  }

  readonly frames = frames({
    [T.GRAB]: {
      scope: "player",
      role: "viewer",
      // A shard with no packets left of the running rain asks the coordinator for a slice first.
      prepare: async (req, ctx) => {
        const record = this.#rain;
        if (record === null || record.run.rain !== req.rain || !isRainActive(record.run, ctx.nowMs)) return;
        if (this.#rains.holdings(req.rain).length > 0) return;
        if (this.#rains.grantFor(ctx.userId, req.rain, replayId(req.grabId, req.seq)) !== null) return;
        if (this.#rains.grabbed(ctx.userId) >= this.#s.activity().grabCap) return;
        // A tap the bucket refuses takes no packet out of the pool.
        const config = this.#s.activity().rains[req.rain];
        const bucket = this.#bucket ?? createBucket(this.#bucketLimits(config), ctx.nowMs);
        if (!take(bucket, ctx.nowMs).ok) return;
        const ask = () =>
          this.#s.shards.ask<SliceAnswer>("rain.slice", { rain: req.rain, want: this.#want() });
        let answer = await ask();
        // None to hand out: the coordinator took back the packets quiet shards held before it answered
        // (or found the pool exhausted and ended the rain); asking once more gets them.
        if (answer.ranges.length === 0) answer = await ask();
        this.#fetched.set(req, answer);
      },
      handle: (req, ctx) => {
        const now = ctx.nowMs;
        const activity = this.#s.activity();
        const fetched = this.#fetched.get(req);
        this.#fetched.delete(req);
        if (fetched !== undefined) this.#hold(req.rain, fetched);
        this.#tapWindow = recordEvents(this.#tapWindow, now);
        const replay = replayId(req.grabId, req.seq);
        const record = this.#rain;
        const part = this.#part(req.rain);
        const prior = this.#rains.grantFor(ctx.userId, req.rain, replay);
        if (prior !== null) {
          this.#setPart(req.rain, countTap(part), false);
          const { rain, amountCents, grabbed } = prior;
          return [{ kind: "reply", result: { grab: { rain, amountCents, grabbed } } }];
        }
        const config = record === null ? undefined : activity.rains[record.run.rain];
        this.#bucket ??= createBucket(this.#bucketLimits(config), now);
        const holding: Holding | undefined = this.#rains.holdings(req.rain)[0];
        const decision = decideGrab({
          rain: req.rain,
          nowMs: now,
          // The room's run over this shard's slice: what this shard can grant now. With no slice, the
          // room's run as if a packet were left, so that the refusal is the room's (ended: NONE_LEFT via
          // refusalCode; a capped player: CAP_REACHED); one that would be granted is NONE_LEFT below.
          run:
            record === null
              ? null
              : holding === undefined
                ? { ...record.run, cursor: 0, end: 1 }
                : { ...record.run, ...holding },
          packets: config === undefined ? [] : rainPackets(config),
          player: { grabbed: this.#rains.grabbed(ctx.userId) },
          cap: activity.grabCap,
          bucket: this.#bucket,
        });
        if (decision.kind === "rejected" || holding === undefined) {
          // Granted by the room's run but no slice here: the coordinator had none to hand out.
          const code =
            decision.kind === "rejected" ? refusalCode(decision.code, record, req.rain) : "NONE_LEFT";
          if (record !== null && record.run.rain === req.rain) {
            this.#setPart(req.rain, countTap(part, code), false);
          }
          return [refuse(code, GRAB_MESSAGE[code])];
        }
        const { rain, packetIndex, amountCents } = decision;
        this.#rains.putHolding(rain, { ...holding, cursor: packetIndex + 1 });
        const next: ShardPart = countGrant(part, amountCents);
        this.#setPart(rain, next);
        this.#rains.addGrant({
          rain,
          packetIndex,
          userId: ctx.userId,
          replayId: replay,
          amountCents,
          grabbed: decision.player.grabbed,
          atMs: now,
        });
        this.#bucket = decision.bucket;
        const effects: Effect[] = [
          {
            kind: "outbox",
            event: {
              kind: "red_packet",
              activityId: activity.id,
              userId: ctx.userId,
              rain,
              packetIndex,
              amountCents,
            },
          },
        ];
        // The output gate holds this answer until the transaction is durable.
        effects.push({
          kind: "reply",
          result: { grab: { rain, amountCents, grabbed: decision.player.grabbed } },
        });
        // This shard granted the pool's last slice: the coordinator takes back what quiet shards hold, or
        // ends the rain if none holds any (after this answer: the player learns their grant first; a tap
        // that asks meanwhile waits for the reclaim, `coordinatorPrepare`).
        if (next.tail && this.#rains.holdings(rain).length === 0) {
          this.#setPart(rain, { ...next, tail: false });
          effects.push({ kind: "runTask", task: `${DRAINED}:${rain}` });
        }
        return effects;
      },
    },
    [T.START_RAIN]: {
      scope: "room",
      role: "host",
      handle: (req, ctx) => {
        const activity = this.#s.activity();
        const d = decideRainStart({
          phase: this.#s.room().phase,
          rain: req.rain,
          rains: activity.rains,
          started: this.#rains.started(),
          current: this.#rain,
          nowMs: ctx.nowMs,
          streamTsMs: req.streamTsMs,
          online: this.#s.online(),
        });
        if (d.kind === "rejected") return [refuse(d.code, d.message)];
        const { record, ended } = d;
        const effects: Effect[] = [];
        if (ended !== null) {
          this.#rains.saveRecord(ended);
          effects.push({ kind: "cancel", task: `${END}:${ended.run.rain}` }, this.#announceEnd(ended));
        }
        this.#rains.saveRecord(record);
        this.#rain = record;
        this.#bucket = null;
        // The split (about 20 ms for 100,000 packets) is paid here rather than by the first tap.
        rainPackets(activity.rains[req.rain]!);
        effects.push(
          { kind: "schedule", task: `${END}:${req.rain}`, atMs: record.run.endsAtMs },
          broadcast(T.RAIN_STARTED, { rainStarted: this.#started(record) }),
          { kind: "replyStats" },
        );
        return effects;
      },
    },
  });

  readonly tasks = {
    /** `rainEnd:<r>`: ends rain r if it still runs (tasks run at least once), with every shard's totals. */
    [END]: { scope: "room" as const, run: (arg: string) => this.#end(Number(arg)) },
    /**
     * `rainReclaim:<r>`: every shard gives back the packets it holds and did not grant; when none are
     * left anywhere (and none to hand out) every packet was granted, and the rain ends.
     */
    [RECLAIM]: {
      scope: "room" as const,
      run: async (arg: string): Promise<Effect[]> => {
        const rain = Number(arg);
        try {
          const record = this.#rain;
          if (record === null || record.run.rain !== rain || record.run.phase === "ended") return [];
          const parts = await this.#s.shards.each<Range[]>("rain.reclaim", rain);
          const ranges = parts.flat();
          this.#rains.addReturned(rain, ranges);
          if (ranges.length > 0 || this.#rains.returnedLeft(rain) > 0 || packetsLeft(this.#rain!.run) > 0)
            return [];
          // Ended only when every packet was granted: a slice on its way to a shard is held by none.
          return await this.#end(rain, true);
        } finally {
          this.#reclaiming.get(rain)?.resolve();
          this.#reclaiming.delete(rain);
        }
      },
    },
    /** `rainDrained:<r>` (a shard): it granted its last packet of the pool's tail; the coordinator looks. */
    [DRAINED]: {
      scope: "player" as const,
      run: async (arg: string): Promise<Effect[]> => {
        await this.#s.shards.ask("rain.drained", Number(arg));
        return [];
      },
    },
  };

  /** A slice asked for while packets are being taken back waits for them (none is refused meanwhile). */
  readonly coordinatorPrepare = {
    slice: async (raw: unknown) => {
      const { arg } = raw as { shard: number; arg: { rain: number } };
      await this.#reclaiming.get(arg.rain)?.done;
    },
  };

  /** What a shard asks of the coordinator. */
  readonly coordinatorOps = {
    /** Hands a shard up to `want` packets: given-back slices first, then from the pool's cursor. */
    slice: (raw: unknown, nowMs: number) => {
      const { arg } = raw as { shard: number; arg: { rain: number; want: number } };
      const record = this.#rain;
      const none = { result: { ranges: [], last: false } satisfies SliceAnswer, effects: [] as Effect[] };
      if (record === null || record.run.rain !== arg.rain || !isRainActive(record.run, nowMs)) return none;
      const ranges = this.#rains.takeReturned(arg.rain, arg.want);
      const got = ranges.reduce((n, r) => n + (r.end - r.start), 0);
      const effects: Effect[] = [];
      const fromPool = Math.min(arg.want - got, packetsLeft(record.run));
      if (fromPool > 0) {
        const start = record.run.cursor;
        ranges.push({ start, end: start + fromPool });
        const next = { ...record, run: { ...record.run, cursor: start + fromPool } };
        this.#rain = next;
        this.#rains.saveRecord(next);
        // The pool's last packets handed out: the rain ends with them, no THROTTLE is worth sending.
        if (packetsLeft(next.run) > 0) effects.push(...this.#maybeThrottle(nowMs));
      }
      const last = packetsLeft(this.#rain!.run) === 0 && this.#rains.returnedLeft(arg.rain) === 0;
      // Nothing to hand out: the packets may sit on quiet shards; take them back.
      if (ranges.length === 0) effects.push(...this.#reclaim(arg.rain));
      return { result: { ranges, last } satisfies SliceAnswer, effects };
    },
    /** A shard granted the last packet it held of the pool's tail. */
    drained: (raw: unknown) => {
      const { arg } = raw as { shard: number; arg: number };
      return { result: null, effects: this.#reclaim(arg) };
    },
  };

  /** What the coordinator runs on every shard. */
  readonly shardOps = {
    /** Gives back this shard's unused packets of rain r. */
    reclaim: (arg: unknown) => {
      const rain = Number(arg);
      const ranges = this.#rains.releaseHoldings(rain);
      const part = this.#part(rain);
      if (part.tail) this.#setPart(rain, { ...part, tail: false });
      return { result: ranges, effects: [] };
    },
    /** This shard's part of rain r. */
    totals: (arg: unknown) => ({ result: this.#part(Number(arg)), effects: [] }),
  };

  /** The room's rain as shards decide with it: the run (phase, end time), the throttle, the stamps. */
  replica(): unknown {
    return this.#rain;
  }

  applyReplica(state: unknown): void {
    const record = state as RainRecord | null;
    if (record === null) return;
    if (this.#rain === null || this.#rain.run.rain !== record.run.rain) this.#bucket = null;
    this.#rain = record;
    this.#rains.saveRecord(record);
  }

  onOnlineChanged(_online: number, nowMs: number): Effect[] {
    if (this.#rain === null || !isRainActive(this.#rain.run, nowMs)) return [];
    return this.#maybeThrottle(nowMs);
  }

  welcome(userId: string, nowMs: number): RainWelcome {
    const running = this.#rain !== null && isRainActive(this.#rain.run, nowMs);
    return { grabbed: this.#rains.grabbed(userId), rain: running ? this.#started(this.#rain!) : null };
  }

  /** This shard's figures of the current rain. */
  shardFigures(nowMs: number): RainShardFigures {
    const rain = this.#rain?.run.rain ?? -1;
    const part = rain < 0 ? null : this.#part(rain);
    return {
      rain,
      grantedCents: part?.grantedCents ?? 0,
      grantedPackets: part?.grantedPackets ?? 0,
      grabs: part?.grabs ?? 0,
      throttled: part?.throttled ?? 0,
      grabsPerSec: ratePerSec(this.#tapWindow, nowMs),
    };
  }

  /** The room's rain figures: the coordinator's record and every shard's part. */
  stats(nowMs: number, shards: readonly RainShardFigures[]): RainStats {
    const rain = this.#rain;
    const of = rain === null ? [] : shards.filter((s) => s.rain === rain.run.rain);
    const sum = (k: "grantedCents" | "grantedPackets" | "grabs" | "throttled" | "grabsPerSec") =>
      of.reduce((n, s) => n + s[k], 0);
    const count = rain === null ? 0 : (this.#s.activity().rains[rain.run.rain]?.count ?? 0);
    return {
      packetsLeft: rain === null ? 0 : count - sum("grantedPackets"),
      grantedCents: sum("grantedCents"),
      grabs: sum("grabs"),
      throttled: sum("throttled"),
      rain: rain?.run.rain ?? -1,
      rainRunning: rain !== null && isRainActive(rain.run, nowMs),
      grantedPackets: sum("grantedPackets"),
      grabsPerSec: sum("grabsPerSec"),
      throttlePpm: rain?.throttlePpm ?? 0,
    };
  }

  #part(rain: number): ShardPart {
    let part = this.#parts.get(rain);
    if (part === undefined) {
      part = this.#rains.part(rain);
      this.#parts.set(rain, part);
    }
    return part;
  }

  /** Updates this shard's part in memory; `store` writes it (a grant, the tail flag). */
  #setPart(rain: number, part: ShardPart, store = true): void {
    this.#parts.set(rain, part);
    if (store) this.#rains.savePart(rain, part);
  }

  /** Packets a shard asks for at once: one in a one-shard room (its pool is its own), more when split. */
  #want(): number {
    const n = this.#s.shards.count();
    if (n <= 1) return 1;
    const count = this.#rain === null ? 0 : (this.#s.activity().rains[this.#rain.run.rain]?.count ?? 0);
    return Math.max(1, Math.min(MAX_SLICE, Math.ceil(count / (n * 8))));
  }

  /** A shard's bucket: its share of the rain's target taps per second. */
  #bucketLimits(config: { targetTapsPerSec: number } | undefined) {
    const n = this.#s.shards.count();
    return bucketLimits({ targetTapsPerSec: Math.max(1, (config?.targetTapsPerSec ?? 1) / n) });
  }

  /** Keeps the slices the coordinator handed this shard. */
  #hold(rain: number, answer: SliceAnswer): void {
    for (const r of answer.ranges)
      this.#rains.putHolding(rain, { start: r.start, end: r.end, cursor: r.start });
    if (answer.last && answer.ranges.length > 0) this.#setPart(rain, { ...this.#part(rain), tail: true });
  }

  /** The reclaim task, at once after the commit, unless one is already running. */
  #reclaim(rain: number): Effect[] {
    if (this.#reclaiming.has(rain)) return [];
    let resolve = () => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    this.#reclaiming.set(rain, { done, resolve });
    return [{ kind: "runTask", task: `${RECLAIM}:${rain}` }];
  }

  /**
   * Ends rain r (if it still runs) with every shard's totals; `exhausted`: only if they granted every
   * packet. Throws if a shard cannot be reached (the task is retried).
   */
  async #end(rain: number, exhausted = false): Promise<Effect[]> {
    const current = this.#rain?.run.rain === rain ? this.#rain : this.#rains.record(rain);
    if (current === null || current.run.phase === "ended") return [];
    const parts = await this.#s.shards.each<ShardPart>("rain.totals", rain);
    // The record may have moved while the shards answered.
    const record = this.#rain?.run.rain === rain ? this.#rain : this.#rains.record(rain);
    if (record === null || record.run.phase === "ended") return [];
    const count = this.#s.activity().rains[rain]?.count ?? 0;
    const grantedPackets = parts.reduce((n, p) => n + p.grantedPackets, 0);
    if (exhausted && grantedPackets < count) return [];
    const ended = endRecord({
      ...record,
      run: { ...record.run, cursor: record.run.end - (count - grantedPackets) },
      grantedCents: parts.reduce((n, p) => n + p.grantedCents, 0),
      grantedPackets,
      grabs: parts.reduce((n, p) => n + p.grabs, 0),
      throttled: parts.reduce((n, p) => n + p.throttled, 0),
    });
    this.#rains.saveRecord(ended);
    if (this.#rain?.run.rain === rain) this.#rain = ended;
    return [{ kind: "cancel", task: `${END}:${rain}` }, this.#announceEnd(ended)];
  }

  #announceEnd(record: RainRecord): Effect {
    return broadcast(T.RAIN_ENDED, {
      rainEnded: {
        rain: record.run.rain,
        packetsLeft: packetsLeft(record.run),
        grantedCents: record.grantedCents,
      },
    });
  }

  /** A THROTTLE when the factor for the online count and packets left moved enough. */
  #maybeThrottle(nowMs: number): Effect[] {
    const record = this.#rain;
    const config = record === null ? undefined : this.#s.activity().rains[record.run.rain];
    if (record === null || config === undefined) return [];
    const update = throttleUpdate(record, {
      online: this.#s.online(),
      targetTapsPerSec: config.targetTapsPerSec,
      nowMs,
    });
    if (update === null) return [];
    this.#rain = update.record;
    this.#rains.saveRecord(update.record);
    return [
      broadcast(T.THROTTLE, {
        throttle: { rain: record.run.rain, throttlePpm: update.ppm, packetsLeft: packetsLeft(record.run) },
      }),
    ];
  }

  /** RAIN_STARTED for a record: at the start, and in the snapshot of anyone who joins mid-rain. */
  #started(record: RainRecord): liveroom.RainStarted.$Properties {
    const activity = this.#s.activity();
    return {
      rain: record.run.rain,
      packets: activity.rains[record.run.rain]?.count ?? 0,
      packetsLeft: packetsLeft(record.run),
      endsAtMs: record.run.endsAtMs,
      throttlePpm: record.throttlePpm,
      cap: activity.grabCap,
      streamTsMs: record.streamTsMs,
    };
  }
}
