// The replay archive's shapes: what a room records as it broadcasts, what D1 stores per chunk
// (schema/queries/replay.ts) and what the replay route serves. Pure data; the room builds the
// entries (durable-objects/replay/timeline.ts).

/** Where an entry belongs. */
export interface TimelineAt {
  /** Where in the stream it belongs, in ms. */
  streamTsMs: number;
  /** When it happened, room clock (epoch ms). */
  atMs: number;
}

/** One danmaku as the replay shows it. */
export interface ReplayDanmaku {
  id: number;
  userId: string;
  text: string;
  streamTsMs: number;
}

/** Everything a replay holds. Danmaku come one frame per tick, as the room showed them. */
export type TimelineEvent =
  | (TimelineAt & { kind: "opened"; title: string })
  | (TimelineAt & { kind: "question"; question: number; text: string; options: string[] })
  | (TimelineAt & { kind: "reveal"; question: number; correct: number; counts: number[] })
  | (TimelineAt & { kind: "rain_started"; rain: number; packets: number })
  | (TimelineAt & { kind: "rain_ended"; rain: number; packetsLeft: number; grantedCents: number })
  | (TimelineAt & {
      kind: "gift";
      userId: string;
      giftId: string;
      giftName: string;
      quantity: number;
      coins: number;
    })
  | (TimelineAt & { kind: "game_over"; winners: number; prizePoolCents: number })
  | (TimelineAt & { kind: "danmaku"; tick: number; items: ReplayDanmaku[] });

/** A slice of the timeline stored as one D1 row. */
export interface ReplayChunk {
  idx: number;
  fromTsMs: number;
  toTsMs: number;
  events: TimelineEvent[];
}
