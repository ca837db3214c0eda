// Replay archives in D1: written by the room when its activity ends, read by the replay route.
import type { ReplayChunk, TimelineEvent } from "../replay";

/** The index of a replay: its chunks' stream ranges, so a player seeking loads only one. */
export interface ReplayIndex {
  activityId: string;
  eventCount: number;
  chunkCount: number;
  durationMs: number;
  archivedAtMs: number;
  chunks: { idx: number; fromTsMs: number; toTsMs: number; eventCount: number }[];
}

/** Chunks written per D1 batch: each is one statement with 6 parameters, up to ~200 KB of JSON. */
const CHUNKS_PER_BATCH = 20;

/**
 * Writes a replay, idempotently: every chunk by its index (INSERT OR REPLACE), chunks past the new
 * count removed, and the summary row last, so a replay is listed only once all its chunks are in.
 */
export async function writeReplay(
  d1: D1Database,
  activityId: string,
  chunks: readonly ReplayChunk[],
  nowMs: number,
): Promise<void> {
  const statements = chunks.map((c) =>
    d1
      .prepare(
        "INSERT OR REPLACE INTO replay_chunks (activity_id, idx, from_ts_ms, to_ts_ms, event_count, events) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .bind(activityId, c.idx, c.fromTsMs, c.toTsMs, c.events.length, JSON.stringify(c.events)),
  );
  for (let i = 0; i < statements.length; i += CHUNKS_PER_BATCH)
    await d1.batch(statements.slice(i, i + CHUNKS_PER_BATCH));
  const eventCount = chunks.reduce((n, c) => n + c.events.length, 0);
  const durationMs = chunks.length === 0 ? 0 : Math.max(...chunks.map((c) => c.toTsMs));
  await d1.batch([
    d1
      .prepare("DELETE FROM replay_chunks WHERE activity_id = ? AND idx >= ?")
      .bind(activityId, chunks.length),
    d1
      .prepare(
        "INSERT OR REPLACE INTO replays (activity_id, event_count, chunk_count, duration_ms, archived_at) VALUES (?, ?, ?, ?, ?)",
      )
      .bind(activityId, eventCount, chunks.length, durationMs, nowMs),
  ]);
}

/** A replay's index, or null when the activity has none (yet). */
export async function readReplayIndex(d1: D1Database, activityId: string): Promise<ReplayIndex | null> {
  const [summary, chunks] = await d1.batch([
    d1
      .prepare("SELECT event_count, chunk_count, duration_ms, archived_at FROM replays WHERE activity_id = ?")
      .bind(activityId),
    d1
      .prepare(
        "SELECT idx, from_ts_ms AS fromTsMs, to_ts_ms AS toTsMs, event_count AS eventCount FROM replay_chunks WHERE activity_id = ? ORDER BY idx",
      )
      .bind(activityId),
  ]);
  const s = summary?.results[0] as
    | { event_count: number; chunk_count: number; duration_ms: number; archived_at: number }
    | undefined;
  if (s === undefined) return null;
  return {
    activityId,
    eventCount: s.event_count,
    chunkCount: s.chunk_count,
    durationMs: s.duration_ms,
    archivedAtMs: s.archived_at,
    chunks: (chunks?.results ?? []) as ReplayIndex["chunks"],
  };
}

/** One chunk's events, or null for an index past the end. */
export async function readReplayChunk(
  d1: D1Database,
  activityId: string,
  idx: number,
): Promise<TimelineEvent[] | null> {
  const row = await d1
    .prepare("SELECT events FROM replay_chunks WHERE activity_id = ? AND idx = ?")
    .bind(activityId, idx)
    .first<{ events: string }>();
  return row === null ? null : (JSON.parse(row.events) as TimelineEvent[]);
}
