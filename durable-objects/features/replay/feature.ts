// The replay as a feature: it records every numbered broadcast on the room's stream clock and,
// once the game is over, archives the timeline (with the shown danmaku) to D1 (`archive` task).
import { liveroom } from "../../../schema/proto";
import { writeReplay } from "../../../schema/queries/replay";
import type { Effect, NotificationEvent } from "../../kernel/effects";
import type { Feature } from "../../kernel/feature";
import type { RoomServices } from "../../kernel/services";
import { type StreamAnchor, streamPosition } from "./stream-clock";
import { chunkTimeline, danmakuFrames, mergeTimeline, nextAnchor, timelineEntry } from "./timeline";
import type { ShownDanmaku } from "./timeline";
import { ReplayStore } from "./store";

const T = liveroom.Type;
export const ARCHIVE_TASK = "archive";
const ARCHIVE_RETRY_MS = 30_000;
const REPLAY_CHUNK_EVENTS = 500;
const REPLAY_CHUNK_BYTES = 200_000;

export class ReplayFeature implements Feature {
  readonly name = "replay";
  readonly #s: RoomServices;
  readonly #store: ReplayStore;
  #anchor: StreamAnchor | null;
  /** The shown danmaku, from the danmaku feature, merged into the archive. */
  readonly #shown: () => ShownDanmaku[];

  constructor(s: RoomServices, shown: () => ShownDanmaku[]) {
    this.#s = s;
    this.#store = new ReplayStore(s.sql);
    this.#anchor = this.#store.anchor();
    this.#shown = shown;
  }

  /** The room's estimate of the stream position now (the host stamps questions, reveals and rain starts). */
  streamPosition(nowMs: number): number {
    return streamPosition(this.#anchor, nowMs);
  }

  /** The stream anchor is room-scoped: shards stamp their players' danmaku with the room's stream clock. */
  replica(): unknown {
    return this.#anchor;
  }

  applyReplica(state: unknown): void {
    const anchor = state as StreamAnchor | null;
    if (anchor === null) return;
    this.#anchor = anchor;
    this.#store.setAnchor(anchor);
  }

  onBroadcast(type: number, event: NotificationEvent, nowMs: number): Effect[] {
    const anchor = nextAnchor(this.#anchor, type, event, nowMs);
    const entry = timelineEntry(type, event, anchor, nowMs);
    if (anchor !== this.#anchor && anchor !== null) {
      this.#anchor = anchor;
      this.#store.setAnchor(anchor);
    }
    if (entry !== null) this.#store.appendTimeline(entry);
    // The game is over: archive the replay once this event is stored.
    return type === T.GAME_OVER ? [{ kind: "schedule", task: ARCHIVE_TASK, atMs: nowMs }] : [];
  }

  /** Schedules the archive again (a danmaku deleted after the game ended). */
  rearchive(nowMs: number): Effect[] {
    return this.#s.room().phase === "ended" ? [{ kind: "schedule", task: ARCHIVE_TASK, atMs: nowMs }] : [];
  }

  readonly tasks = {
    /** `archive`: the whole timeline to D1. Idempotent; again in 30 s when D1 fails. */
    [ARCHIVE_TASK]: {
      scope: "room" as const,
      run: async (_arg: string, nowMs: number): Promise<Effect[]> => {
        const activityId = this.#s.activity().id;
        const events = mergeTimeline(this.#store.timeline(), danmakuFrames(this.#shown()));
        const chunks = chunkTimeline(events, REPLAY_CHUNK_EVENTS, REPLAY_CHUNK_BYTES);
        try {
          await writeReplay(this.#s.env.DB, activityId, chunks, nowMs);
          return [];
        } catch (err) {
          console.error("liveroom replay archive failed", { activityId, err: String(err) });
          return [{ kind: "schedule", task: ARCHIVE_TASK, atMs: nowMs + ARCHIVE_RETRY_MS }];
        }
      },
    },
  };
}
