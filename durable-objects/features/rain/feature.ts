// The red-packet rain as a feature: GRAB (player-scoped), START_RAIN (room-scoped), the `rainEnd`
// task and the throttle that follows the online count. Rules in ../../rain; this file moves rows and effects.
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
  applyGrant,
  bucketLimits,
  countTap,
  decideRainStart,
  endRecord,
  type RainRecord,
  refusalCode,
  throttleUpdate,
} from "./record";
import { isRainActive, packetsLeft } from "./run";
import { createBucket, type TokenBucket } from "../../kernel/token-bucket";
import { RainStore } from "./store";

const T = liveroom.Type;
/** The task that ends rain r on time: `rainEnd:<r>`. */
const END = "rainEnd";

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
  /** The current or last rain; its row is rewritten on every grant, throttle change and end. */
  #rain: RainRecord | null;
  // In memory only: after an eviction the bucket starts full again, which lets at most one extra
  // burst reach the pool; the pool, the caps and the grants are in storage, so no money moves twice.
  #bucket: TokenBucket | null = null;
  #tapWindow = createRateWindow(5);

  constructor(s: RoomServices) {
    this.#s = s;
    this.#rains = new RainStore(s.sql);
    this.#rain = this.#rains.current();
  }

  readonly frames = frames({
    [T.GRAB]: {
      // At the coordinator, with the whole room's state, until this feature is split per shard (docs/scale.md).
      scope: "room",
      role: "viewer",
      handle: (req, ctx) => {
        const now = ctx.nowMs;
        const activity = this.#s.activity();
        this.#tapWindow = recordEvents(this.#tapWindow, now);
        const replay = replayId(req.grabId, req.seq);
        const record = this.#rain;
        const prior = this.#rains.grantFor(ctx.userId, req.rain, replay);
        if (prior !== null) {
          // Not stored on its own: the tap count rides along with the rain's next write.
          if (record !== null) this.#rain = countTap(record);
          const { rain, amountCents, grabbed } = prior;
          return [{ kind: "reply", result: { grab: { rain, amountCents, grabbed } } }];
        }
        const config = record === null ? undefined : activity.rains[record.run.rain];
        this.#bucket ??= createBucket(bucketLimits(config ?? { targetTapsPerSec: 1 }), now);
        const decision = decideGrab({
          rain: req.rain,
          nowMs: now,
          run: record?.run ?? null,
          packets: config === undefined ? [] : rainPackets(config),
          player: { grabbed: this.#rains.grabbed(ctx.userId) },
          cap: activity.grabCap,
          bucket: this.#bucket,
        });
        if (decision.kind === "rejected") {
          const code = refusalCode(decision.code, record, req.rain);
          if (record !== null) this.#rain = countTap(record, code);
          return [refuse(code, GRAB_MESSAGE[code])];
        }
        const { rain, packetIndex, amountCents } = decision;
        const { record: next, emptied } = applyGrant(countTap(record!), decision);
        this.#rains.saveRecord(next);
        this.#rains.addGrant({
          rain,
          packetIndex,
          userId: ctx.userId,
          replayId: replay,
          amountCents,
          grabbed: decision.player.grabbed,
          atMs: now,
        });
        this.#rain = next;
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
          // The output gate holds this answer until the transaction is durable.
          { kind: "reply", result: { grab: { rain, amountCents, grabbed: decision.player.grabbed } } },
        ];
        if (emptied) effects.push({ kind: "cancel", task: `${END}:${rain}` }, this.#announceEnd(next));
        else effects.push(...this.#maybeThrottle(now));
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
    /** `rainEnd:<r>`: ends rain r if it still runs (tasks run at least once). */
    [END]: {
      scope: "room" as const,
      run: (arg: string): Effect[] => {
        const rain = Number(arg);
        const record = this.#rain?.run.rain === rain ? this.#rain : this.#rains.record(rain);
        if (record === null || record.run.phase === "ended") return [];
        const ended = endRecord(record);
        this.#rains.saveRecord(ended);
        if (this.#rain?.run.rain === rain) this.#rain = ended;
        return [this.#announceEnd(ended)];
      },
    },
  };

  onOnlineChanged(_online: number, nowMs: number): Effect[] {
    if (this.#rain === null || !isRainActive(this.#rain.run, nowMs)) return [];
    return this.#maybeThrottle(nowMs);
  }

  welcome(userId: string, nowMs: number): RainWelcome {
    const running = this.#rain !== null && isRainActive(this.#rain.run, nowMs);
    return { grabbed: this.#rains.grabbed(userId), rain: running ? this.#started(this.#rain!) : null };
  }

  stats(nowMs: number): RainStats {
    const rain = this.#rain;
    return {
      packetsLeft: rain === null ? 0 : packetsLeft(rain.run),
      grantedCents: rain?.grantedCents ?? 0,
      grabs: rain?.grabs ?? 0,
      throttled: rain?.throttled ?? 0,
      rain: rain?.run.rain ?? -1,
      rainRunning: rain !== null && isRainActive(rain.run, nowMs),
      grantedPackets: rain?.grantedPackets ?? 0,
      grabsPerSec: ratePerSec(this.#tapWindow, nowMs),
      throttlePpm: rain?.throttlePpm ?? 0,
    };
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
