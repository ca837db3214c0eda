// The room's timeline for replay: what happened, each with the stream timestamp it belongs at, so a
// video-on-demand player can show questions, reveals, rains, gifts and danmaku in sync. Pure: the
// room records entries as it broadcasts and archives them when the activity ends.

import { liveroom } from "../../../schema/proto";
import type { ReplayChunk, ReplayDanmaku, TimelineAt, TimelineEvent } from "../../../schema/replay";
import { type StreamAnchor, streamPosition } from "./stream-clock";

const T = liveroom.Type;

type Event = Omit<liveroom.Notification.$Properties, "roomSeq">;

/**
 * Where the stream clock stands after a broadcast: questions, reveals and rain starts carry the
 * position the host saw (0: not given, the estimate stands); the room opening starts the clock at 0
 * when nothing set it before.
 */
export function nextAnchor(
  anchor: StreamAnchor | null,
  type: number,
  event: Event,
  nowMs: number,
): StreamAnchor | null {
  const stamped =
    event.question?.streamTsMs ?? event.reveal?.streamTsMs ?? event.rainStarted?.streamTsMs ?? 0;
  if ((type === T.QUESTION || type === T.ANSWER_REVEALED || type === T.RAIN_STARTED) && stamped > 0) {
    return { streamTsMs: stamped, atMs: nowMs };
  }
  if (type === T.ROOM_OPENED && anchor === null) return { streamTsMs: 0, atMs: nowMs };
  return anchor;
}

/**
 * The timeline entry of a numbered broadcast, or null for those a replay does not need (throttle
 * updates, personal prizes). `anchor` is the stream clock after this broadcast (`nextAnchor`).
 */
export function timelineEntry(
  type: number,
  event: Event,
  anchor: StreamAnchor | null,
  nowMs: number,
): TimelineEvent | null {
  const at = (stamped?: number | null): TimelineAt => ({
    streamTsMs: stamped ? stamped : streamPosition(anchor, nowMs),
    atMs: nowMs,
  });
  switch (type) {
    case T.ROOM_OPENED:
      return { kind: "opened", ...at(), title: event.roomOpened?.title ?? "" };
    case T.QUESTION: {
      const q = event.question;
      if (!q) return null;
      return {
        kind: "question",
        ...at(q.streamTsMs),
        question: q.question ?? 0,
        text: q.text ?? "",
        options: q.options ?? [],
      };
    }
    case T.ANSWER_REVEALED: {
      const r = event.reveal;
      if (!r) return null;
      return {
        kind: "reveal",
        ...at(r.streamTsMs),
        question: r.question ?? 0,
        correct: r.correct ?? 0,
        counts: r.counts ?? [],
      };
    }
    case T.RAIN_STARTED: {
      const r = event.rainStarted;
      if (!r) return null;
      return { kind: "rain_started", ...at(r.streamTsMs), rain: r.rain ?? 0, packets: r.packets ?? 0 };
    }
    case T.RAIN_ENDED: {
      const r = event.rainEnded;
      if (!r) return null;
      return {
        kind: "rain_ended",
        ...at(),
        rain: r.rain ?? 0,
        packetsLeft: r.packetsLeft ?? 0,
        grantedCents: Number(r.grantedCents ?? 0),
      };
    }
    case T.GIFT_SHOWN: {
      const g = event.giftShown;
      if (!g) return null;
      return {
        kind: "gift",
        ...at(g.streamTsMs),
        userId: g.userId ?? "",
        giftId: g.giftId ?? "",
        giftName: g.giftName ?? "",
        quantity: g.quantity ?? 0,
        coins: Number(g.coins ?? 0),
      };
    }
    case T.GAME_OVER: {
      const g = event.gameOver;
      if (!g) return null;
      return {
        kind: "game_over",
        ...at(),
        winners: g.winners ?? 0,
        prizePoolCents: Number(g.prizePoolCents ?? 0),
      };
    }
    default:
      return null;
  }
}

/** One shown danmaku as the room stores it, for the replay's danmaku frames. */
export interface ShownDanmaku extends ReplayDanmaku {
  tick: number;
  tickStreamTsMs: number;
  tickAtMs: number;
  deleted: boolean;
}

/**
 * The replay's danmaku frames: one per tick, in tick order, without what a host deleted (a tick
 * whose danmaku were all deleted disappears).
 */
export function danmakuFrames(shown: readonly ShownDanmaku[]): TimelineEvent[] {
  const byTick = new Map<number, ShownDanmaku[]>();
  for (const d of shown) {
    if (d.deleted) continue;
    const list = byTick.get(d.tick);
    if (list === undefined) byTick.set(d.tick, [d]);
    else list.push(d);
  }
  return [...byTick.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([tick, items]) => ({
      kind: "danmaku" as const,
      streamTsMs: items[0]!.tickStreamTsMs,
      atMs: items[0]!.tickAtMs,
      tick,
      items: items
        .sort((a, b) => a.id - b.id)
        .map(({ id, userId, text, streamTsMs }) => ({ id, userId, text, streamTsMs })),
    }));
}

/**
 * The whole timeline in replay order: by stream timestamp, then by when it happened (a stable sort,
 * so equal events keep the order they were recorded in).
 */
export function mergeTimeline(...parts: readonly (readonly TimelineEvent[])[]): TimelineEvent[] {
  return parts.flat().sort((a, b) => a.streamTsMs - b.streamTsMs || a.atMs - b.atMs);
}

/**
 * Cuts the timeline into chunks of at most `maxEvents` events and about `maxBytes` of JSON each (a
 * single larger event gets a chunk of its own), so that a D1 row stays small and a player seeking to
 * a position loads only the chunk that covers it.
 * @example chunkTimeline(events, 500, 200_000).length // ≥ 1 when events is not empty
 */
export function chunkTimeline(
  events: readonly TimelineEvent[],
  maxEvents: number,
  maxBytes: number,
): ReplayChunk[] {
  const chunks: ReplayChunk[] = [];
  let current: TimelineEvent[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    chunks.push({
      idx: chunks.length,
      fromTsMs: current[0]!.streamTsMs,
      toTsMs: current[current.length - 1]!.streamTsMs,
      events: current,
    });
    current = [];
    bytes = 0;
  };
  for (const e of events) {
    const size = JSON.stringify(e).length + 1;
    if (current.length > 0 && (current.length >= maxEvents || bytes + size > maxBytes)) flush();
    current.push(e);
    bytes += size;
  }
  flush();
  return chunks;
}
