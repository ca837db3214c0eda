// The decision for one tap on a red packet. The room makes it atomically with its storage write:
// the granted states below are written (with the outbox row `redPacketEvent` builds — the rain feature's `outbox` effect —, in
// schema/settlement.ts) before the answer leaves the room; a retried client seq is answered from
// storage and never reaches `decideGrab`.

import { isRainActive, packetsLeft, type RainRun } from "./run";
import { type TokenBucket, take } from "../../kernel/token-bucket";

/** The grab failures, as `schema/live.proto` `Code` values. */
export const GRAB_CODE = {
  NO_RAIN: 300,
  NONE_LEFT: 301,
  CAP_REACHED: 302,
  RATE_LIMITED: 303,
} as const;

/** A name in `GRAB_CODE`. */
export type GrabRejectCode = keyof typeof GRAB_CODE;

/** One player's red-packet state in the activity (kept per player, so shardable by player hash). */
export interface PlayerGrabState {
  /** Packets this player holds in the activity, across all its rains. */
  grabbed: number;
}

/** Everything one tap's decision reads. */
export interface GrabInput {
  /** The rain the tap names (`Grab.rain`). */
  rain: number;
  /** The room clock. */
  nowMs: number;
  /** The current or last run; null before any rain. */
  run: RainRun | null;
  /** The amounts of the run's rain (`rainPackets(rain)`, derived from its seed), indexed by packet index. */
  packets: readonly number[];
  player: PlayerGrabState;
  /** Packets one player may hold per activity (`ActivityConfig.grabCap`). */
  cap: number;
  bucket: TokenBucket;
}

/** A granted tap: the packet, and the new states to store atomically with the grant. */
export interface GrabGranted {
  kind: "granted";
  rain: number;
  packetIndex: number;
  amountCents: number;
  /** The run with its cursor advanced past the packet. */
  run: RainRun;
  /** The player holding one more packet. */
  player: PlayerGrabState;
  /** The bucket with this tap's token taken. */
  bucket: TokenBucket;
}

/** A refused tap: nothing changed (the bucket is path-independent, so keeping the old one is exact). */
export interface GrabRejected {
  kind: "rejected";
  code: GrabRejectCode;
}

/** The result of `decideGrab`. */
export type GrabResult = GrabGranted | GrabRejected;

/**
 * Decides one tap. Checks, in order — cheap in-memory comparisons first, ordered by how often they
 * fail in a storm, and the bucket last because it is the only check that spends something (a token
 * must never be used up by a tap that would be refused anyway, or capped players would starve others):
 * 1. NO_RAIN — no run, the run ended, now ≥ endsAtMs, or the tap names another rain;
 * 2. NONE_LEFT — the pool is empty (every tap after the first seconds of a big rain);
 * 3. CAP_REACHED — the player already holds `cap` packets in this activity;
 * 4. RATE_LIMITED — the room's token bucket has no token for this tap.
 * Otherwise grants `packets[cursor]` and advances the cursor: packets go out in index order, each once.
 * Throws if the run's cursor points outside `packets` (a bug: the run and its packets disagree).
 *
 * @example
 * const r = decideGrab({ rain: 0, nowMs, run, packets: rainPackets(rain), player: { grabbed: 0 }, cap: 3, bucket });
 * if (r.kind === "granted") store(r.run, r.player, r.bucket, outbox(redPacketEvent({ activityId, userId, rain: r.rain, packetIndex: r.packetIndex, amountCents: r.amountCents })));
 */
export function decideGrab(input: GrabInput): GrabResult {
  const { run, nowMs } = input;
  if (!isRainActive(run, nowMs) || run.rain !== input.rain) return { kind: "rejected", code: "NO_RAIN" };
  if (packetsLeft(run) === 0) return { kind: "rejected", code: "NONE_LEFT" };
  if (input.player.grabbed >= input.cap) return { kind: "rejected", code: "CAP_REACHED" };
  const taken = take(input.bucket, nowMs);
  if (!taken.ok) return { kind: "rejected", code: "RATE_LIMITED" };
  const packetIndex = run.cursor;
  const amountCents = input.packets[packetIndex];
  if (amountCents === undefined) {
    throw new Error(
      `decideGrab: cursor ${packetIndex} outside rain ${run.rain}'s ${input.packets.length} packets`,
    );
  }
  return {
    kind: "granted",
    rain: run.rain,
    packetIndex,
    amountCents,
    run: { ...run, cursor: packetIndex + 1 },
    player: { grabbed: input.player.grabbed + 1 },
    bucket: taken.bucket,
  };
}
