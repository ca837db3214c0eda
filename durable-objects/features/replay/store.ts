// The replay's rows: the stream anchor and the timeline of numbered events, archived to D1 at the end.
import type { StreamAnchor } from "./stream-clock";
import type { TimelineEvent } from "../../../schema/replay";

type Row = Record<string, SqlStorageValue>;

export class ReplayStore {
  constructor(private readonly sql: SqlStorage) {}

  anchor(): StreamAnchor | null {
    const row = this.sql.exec<Row>("SELECT stream_ts_ms, at_ms FROM replay_anchor WHERE id = 1").toArray()[0];
    return row === undefined ? null : { streamTsMs: Number(row.stream_ts_ms), atMs: Number(row.at_ms) };
  }

  setAnchor(a: StreamAnchor): void {
    this.sql.exec(
      "INSERT INTO replay_anchor (id, stream_ts_ms, at_ms) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET stream_ts_ms = excluded.stream_ts_ms, at_ms = excluded.at_ms",
      a.streamTsMs,
      a.atMs,
    );
  }

  appendTimeline(event: TimelineEvent): void {
    this.sql.exec("INSERT INTO timeline (body) VALUES (?)", JSON.stringify(event));
  }

  timeline(): TimelineEvent[] {
    return this.sql
      .exec<Row>("SELECT body FROM timeline ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(String(r.body)) as TimelineEvent);
  }
}
