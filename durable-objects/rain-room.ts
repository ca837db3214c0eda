// The room's red-packet rain: an adapter like LiveRoom itself, which it serves. It moves GRAB
// frames, storage and time in and out of the pure rules in ./rain; LiveRoom hands it the frames,
// operator starts, alarms and socket changes that concern it.
import type { ActivityConfig } from "../schema/activity";
import { liveroom } from "../schema/proto";
import type { RoomStatsView } from "../schema/room-stats";
import { redPacketEvent } from "../schema/settlement";
import type { ClientRequest } from "./protocol/decode";
import { failure, success } from "./protocol/encode";
import type { Phase } from "./quiz/state";
import { decideGrab, type GrabRejectCode } from "./rain/grab";
import { replayId } from "./rain/grab-id";
import { createRateWindow, ratePerSec, recordEvents } from "./rain/rate-window";
import {
  applyGrant,
  bucketLimits,
  countTap,
  decideRainStart,
  endRecord,
  type RainRecord,
  refusalCode,
  throttleUpdate,
} from "./rain/record";
import { isRainActive, packetsLeft, type StartRainRejectCode } from "./rain/run";
import { createBucket, type TokenBucket } from "./rain/token-bucket";
import { RainStore } from "./rain-store";
import type { RoomStore } from "./room-store";

const T = liveroom.Type;

/** The schedule row (schedule.ts) that ends rain `rain` on time. */
const END_PREFIX = "rainEnd:";
const endSchedule = (rain: number) => `${END_PREFIX}${rain}`;

/** What the room lends this module: its storage, schedule, outbox, state and sockets. */
export interface RainHost {
  sql: SqlStorage;
  transaction<T>(fn: () => T): T;
  activity(): ActivityConfig | null;
  phase(): Phase;
  /** Sockets open now (readyState OPEN), counted afresh. */
  countOpenSockets(): number;
  /** A numbered notification, through the room's broadcast. */
  broadcast(type: number, event: Omit<liveroom.Notification.$Properties, "roomSeq">): void;
  send(ws: WebSocket, bytes: Uint8Array): void;
  /** The room's schedule rows and settlement outbox, written inside the caller's transaction. */
  rows: Pick<RoomStore, "schedule" | "unschedule" | "addOutbox">;
  /** Arms the one alarm for the schedule rows as they now stand. */
  armAlarm(): void;
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

/** An operator's rain start: done, or refused with a `liveroom.Code` name. */
export type RainStartResult = { ok: true } | { ok: false; code: StartRainRejectCode; message: string };

const GRAB_MESSAGE: Record<GrabRejectCode, string> = {
  NO_RAIN: "no rain is running",
  NONE_LEFT: "the rain's packets are all taken",
  CAP_REACHED: "you hold the most packets allowed in this activity",
  RATE_LIMITED: "too many taps right now: tap again",
};

export class RainRoom {
  readonly #host: RainHost;
  readonly #rains: RainStore;
  /** The current or last rain; its stored row is rewritten on every grant, throttle change and end. */
  #rain: RainRecord | null;
  // In memory only: after an eviction the bucket starts full again, which lets at most one extra
  // burst reach the pool; the pool, the caps and the grants are in storage, so no money moves twice.
  #bucket: TokenBucket | null = null;
  #tapWindow = createRateWindow(5);
  // Open sockets, counted once after a wake and then kept up to date, for the throttle factor.
  #online: number | null = null;

  constructor(host: RainHost) {
    this.#host = host;
    this.#rains = new RainStore(host.sql);
    this.#rain = this.#rains.current();
  }

  /** Whether an alarm task is this module's. */
  owns(task: string): boolean {
    return task.startsWith(END_PREFIX);
  }

  /** The `rainEnd:<r>` alarm: ends rain r if it still runs (alarms fire at least once). */
  onAlarm(task: string): void {
    const rain = Number(task.slice(END_PREFIX.length));
    const record = this.#rain?.run.rain === rain ? this.#rain : this.#rains.record(rain);
    if (record === null || record.run.phase === "ended") return;
    const ended = endRecord(record);
    this.#rains.saveRecord(ended);
    if (this.#rain?.run.rain === rain) this.#rain = ended;
    this.#announceEnd(ended);
  }

  /** A GRAB frame from an authenticated user, in an open room. Throws only on a bug. */
  grab(ws: WebSocket, userId: string, req: ClientRequest & { type: typeof T.GRAB }): void {
    const now = Date.now();
    const activity = this.#host.activity()!;
    this.#tapWindow = recordEvents(this.#tapWindow, now);
    const replay = replayId(req.grabId, req.seq);
    // Everything from here to the write is synchronous: no other frame can interleave.
    const record = this.#rain;
    const prior = this.#rains.grantFor(userId, req.rain, replay);
    if (prior !== null) {
      if (record !== null) this.#rain = countTap(record);
      const { rain, amountCents, grabbed } = prior;
      this.#host.send(ws, success(req.type, req.seq, { grab: { rain, amountCents, grabbed } }));
      return;
    }
    const config = record === null ? undefined : activity.rains[record.run.rain];
    this.#bucket ??= createBucket(bucketLimits(config ?? { targetTapsPerSec: 1 }), now);
    const decision = decideGrab({
      rain: req.rain,
      nowMs: now,
      run: record?.run ?? null,
      packets: config?.packets ?? [],
      player: { grabbed: this.#rains.grabbed(userId) },
      cap: activity.grabCap,
      bucket: this.#bucket,
    });
    if (decision.kind === "rejected") {
      const code = refusalCode(decision.code, record, req.rain);
      if (record !== null) this.#rain = countTap(record, code);
      this.#host.send(ws, failure(req.type, req.seq, code, GRAB_MESSAGE[code]));
      return;
    }
    const { rain, packetIndex, amountCents } = decision;
    const { record: next, emptied } = applyGrant(countTap(record!), decision);
    this.#host.transaction(() => {
      this.#rains.saveRecord(next);
      this.#rains.addGrant({
        rain,
        packetIndex,
        userId,
        replayId: replay,
        amountCents,
        grabbed: decision.player.grabbed,
        atMs: now,
      });
      const grant = redPacketEvent({ activityId: activity.id, userId, rain, packetIndex, amountCents });
      this.#host.rows.addOutbox(grant.key, grant.body, now);
      if (emptied) this.#host.rows.unschedule(endSchedule(rain));
    });
    this.#rain = next;
    this.#bucket = decision.bucket;
    // The output gate holds this answer until the transaction above is durable.
    this.#host.send(
      ws,
      success(req.type, req.seq, { grab: { rain, amountCents, grabbed: decision.player.grabbed } }),
    );
    if (emptied) {
      this.#host.armAlarm();
      this.#announceEnd(next);
    } else {
      this.#maybeThrottle(now);
    }
  }

  /** The operator starts rain `rain` (the room's activity is loaded). */
  start(rain: number, streamTsMs: number, now: number): RainStartResult {
    const activity = this.#host.activity()!;
    const d = decideRainStart({
      phase: this.#host.phase(),
      rain,
      rains: activity.rains,
      started: this.#rains.started(),
      current: this.#rain,
      nowMs: now,
      streamTsMs,
      online: this.#onlineCount(),
    });
    if (d.kind === "rejected") return { ok: false, code: d.code, message: d.message };
    const { record, ended } = d;
    this.#host.transaction(() => {
      if (ended !== null) {
        this.#rains.saveRecord(ended);
        this.#host.rows.unschedule(endSchedule(ended.run.rain));
      }
      this.#rains.saveRecord(record);
      this.#host.rows.schedule(endSchedule(rain), record.run.endsAtMs);
    });
    this.#rain = record;
    this.#bucket = null;
    this.#host.armAlarm();
    if (ended !== null) this.#announceEnd(ended);
    this.#host.broadcast(T.RAIN_STARTED, { rainStarted: this.#started(record) });
    return { ok: true };
  }

  /** A socket opened (+1) or closed (-1): keep the online count and, during a rain, the throttle. */
  socketsChanged(delta: 1 | -1): void {
    try {
      // A closing socket may still be listed by getWebSockets(): recount from scratch after a close.
      this.#online = delta === 1 && this.#online !== null ? this.#online + 1 : null;
      const now = Date.now();
      if (this.#rain !== null && isRainActive(this.#rain.run, now)) this.#maybeThrottle(now);
    } catch (err) {
      console.error("liveroom throttle update failed", { err: String(err) });
    }
  }

  /** The running rain as the snapshot of someone joining shows it, or null between rains. */
  snapshot(): liveroom.RainStarted.$Properties | null {
    return this.#rain !== null && isRainActive(this.#rain.run, Date.now()) ? this.#started(this.#rain) : null;
  }

  /** The current or last rain's figures (zeros and rain -1 before the first). */
  stats(): RainStats {
    const now = Date.now();
    const rain = this.#rain;
    return {
      packetsLeft: rain === null ? 0 : packetsLeft(rain.run),
      grantedCents: rain?.grantedCents ?? 0,
      grabs: rain?.grabs ?? 0,
      throttled: rain?.throttled ?? 0,
      rain: rain?.run.rain ?? -1,
      rainRunning: rain !== null && isRainActive(rain.run, now),
      grantedPackets: rain?.grantedPackets ?? 0,
      grabsPerSec: ratePerSec(this.#tapWindow, now),
      throttlePpm: rain?.throttlePpm ?? 0,
    };
  }

  /** Packets the player holds in the activity, across its rains. */
  grabbed(userId: string): number {
    return this.#rains.grabbed(userId);
  }

  #announceEnd(record: RainRecord): void {
    this.#host.broadcast(T.RAIN_ENDED, {
      rainEnded: {
        rain: record.run.rain,
        packetsLeft: packetsLeft(record.run),
        grantedCents: record.grantedCents,
      },
    });
  }

  /** Sends a THROTTLE when the factor for the online count and packets left moved enough. */
  #maybeThrottle(now: number): void {
    const record = this.#rain;
    const config = record === null ? undefined : this.#host.activity()?.rains[record.run.rain];
    if (record === null || config === undefined) return;
    const update = throttleUpdate(record, {
      online: this.#onlineCount(),
      targetTapsPerSec: config.targetTapsPerSec,
      nowMs: now,
    });
    if (update === null) return;
    this.#rain = update.record;
    this.#rains.saveRecord(update.record);
    this.#host.broadcast(T.THROTTLE, {
      throttle: { rain: record.run.rain, throttlePpm: update.ppm, packetsLeft: packetsLeft(record.run) },
    });
  }

  #onlineCount(): number {
    this.#online ??= this.#host.countOpenSockets();
    return this.#online;
  }

  /** RAIN_STARTED for a record: at the start, and in the snapshot of anyone who joins mid-rain. */
  #started(record: RainRecord): liveroom.RainStarted.$Properties {
    const activity = this.#host.activity()!;
    return {
      rain: record.run.rain,
      packets: activity.rains[record.run.rain]?.packets.length ?? 0,
      packetsLeft: packetsLeft(record.run),
      endsAtMs: record.run.endsAtMs,
      throttlePpm: record.throttlePpm,
      cap: activity.grabCap,
      streamTsMs: record.streamTsMs,
    };
  }
}
