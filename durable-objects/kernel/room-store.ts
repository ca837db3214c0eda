// The kernel's rows: the room sequence and its numbered notifications (for RESUME), the schedule
// of named tasks, the clock offset tests may set, and the activity normalized into rows.
import type { ActivityConfig } from "../../schema/activity";
import type { ScheduledTask, SchedulePort } from "./scheduler";

type Row = Record<string, SqlStorageValue>;

/** How many notifications a room keeps for clients that resume; older ones are pruned. */
export const NOTIFICATION_RETENTION = 10_000;

export class RoomStore {
  constructor(private readonly sql: SqlStorage) {}

  seq(): number {
    const v = this.#meta("seq");
    return v === null ? 0 : Number(v);
  }

  clockOffsetMs(): number {
    const v = this.#meta("clock_offset_ms");
    return v === null ? 0 : Number(v);
  }

  setClockOffsetMs(ms: number): void {
    this.#setMeta("clock_offset_ms", String(ms));
  }

  /** Appends a numbered notification and moves the room sequence to it, in one write. */
  appendNotification(seq: number, bytes: Uint8Array): void {
    this.sql.exec("INSERT INTO notifications (seq, bytes) VALUES (?, ?)", seq, bytes);
    this.#setMeta("seq", String(seq));
    if (seq % 100 === 0)
      this.sql.exec("DELETE FROM notifications WHERE seq <= ?", seq - NOTIFICATION_RETENTION);
  }

  /** Up to `limit` stored notifications after `seq` with their numbers, and the oldest one still kept. */
  entriesAfter(
    seq: number,
    limit: number,
  ): { oldest: number; entries: { seq: number; bytes: Uint8Array }[] } {
    const oldest = this.sql.exec<Row>("SELECT MIN(seq) AS s FROM notifications").one().s;
    const entries = this.sql
      .exec<Row>("SELECT seq, bytes FROM notifications WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit)
      .toArray()
      .map((r) => ({ seq: Number(r.seq), bytes: new Uint8Array(r.bytes as ArrayBuffer) }));
    return { oldest: oldest === null ? 0 : Number(oldest), entries };
  }

  /** A shard whose coordinator pruned entries it never got: drops its own older ones, so RESUME says gap. */
  forgetBefore(oldest: number): void {
    this.sql.exec("DELETE FROM notifications WHERE seq < ?", oldest);
    this.#setMeta("seq", String(Math.max(this.seq(), oldest - 1)));
  }

  /** This object's shard of its room (0: the coordinator's own object). */
  shard(): number {
    const v = this.#meta("shard");
    return v === null ? 0 : Number(v);
  }

  setShard(k: number): void {
    if (this.shard() !== k) this.#setMeta("shard", String(k));
  }

  /** The replica version: the coordinator's counter, or the last one a shard applied. */
  replicaVersion(): { rv: number; json: string } {
    return { rv: Number(this.#meta("replica_rv") ?? "0"), json: this.#meta("replica_json") ?? "" };
  }

  setReplicaVersion(rv: number, json: string): void {
    this.#setMeta("replica_rv", String(rv));
    this.#setMeta("replica_json", json);
  }

  /** The authenticated users each other shard last reported (the coordinator's online total). */
  remoteOnline(): number {
    return Number(this.sql.exec<Row>("SELECT COALESCE(SUM(online), 0) AS n FROM shard_online").one().n);
  }

  setRemoteOnline(shard: number, online: number): void {
    this.sql.exec(
      "INSERT INTO shard_online (shard, online) VALUES (?, ?) ON CONFLICT (shard) DO UPDATE SET online = excluded.online",
      shard,
      online,
    );
  }

  /** Up to `limit` stored notifications after `seq` in order, and the oldest one still kept. */
  notificationsAfter(seq: number, limit: number): { oldest: number; frames: Uint8Array[] } {
    const oldest = this.sql.exec<Row>("SELECT MIN(seq) AS s FROM notifications").one().s;
    const frames = this.sql
      .exec<Row>("SELECT bytes FROM notifications WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit)
      .toArray()
      .map((r) => new Uint8Array(r.bytes as ArrayBuffer));
    return { oldest: oldest === null ? 0 : Number(oldest), frames };
  }

  /** The activity as the room runs it, or null before it was loaded. */
  activity(): ActivityConfig | null {
    const a = this.sql.exec<Row>("SELECT * FROM activity").toArray()[0];
    if (a === undefined) return null;
    const questions = this.sql
      .exec<Row>("SELECT text, options, correct FROM activity_questions ORDER BY idx")
      .toArray()
      .map((q) => ({
        text: String(q.text),
        options: JSON.parse(String(q.options)) as string[],
        correct: Number(q.correct),
      }));
    const rains = this.sql
      .exec<Row>("SELECT * FROM activity_rains ORDER BY idx")
      .toArray()
      .map((r) => ({
        totalCents: Number(r.total_cents),
        count: Number(r.count),
        targetTapsPerSec: Number(r.target_taps_per_sec),
        durationMs: Number(r.duration_ms),
        seed: String(r.seed),
      }));
    return {
      id: String(a.id),
      title: String(a.title),
      startAtMs: Number(a.start_at_ms),
      prizePoolCents: Number(a.prize_pool_cents),
      answerWindowMs: Number(a.answer_window_ms),
      streamUrl: String(a.stream_url),
      grabCap: Number(a.grab_cap),
      shards: Number(a.shards),
      questions,
      rains,
    };
  }

  saveActivity(a: ActivityConfig): void {
    saveActivityRows(this.sql, a);
    // A column of its own migration (kernel migration 3): migration 2's copy never had it.
    this.sql.exec("UPDATE activity SET shards = ?", a.shards);
  }

  /** The schedule table as the scheduler's port; `setAlarm` is the kernel's (it knows the clock offset). */
  schedulePort(setAlarm: (atMs: number | null) => void): SchedulePort {
    return {
      all: (): ScheduledTask[] =>
        this.sql
          .exec<Row>("SELECT name, at_ms FROM schedule ORDER BY at_ms")
          .toArray()
          .map((r) => ({ name: String(r.name), atMs: Number(r.at_ms) })),
      get: (name) => {
        const row = this.sql.exec<Row>("SELECT at_ms FROM schedule WHERE name = ?", name).toArray()[0];
        return row === undefined ? null : Number(row.at_ms);
      },
      put: (name, atMs) => {
        this.sql.exec(
          "INSERT INTO schedule (name, at_ms) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET at_ms = excluded.at_ms",
          name,
          atMs,
        );
      },
      delete: (name) => {
        this.sql.exec("DELETE FROM schedule WHERE name = ?", name);
      },
      setAlarm,
    };
  }

  #meta(k: string): string | null {
    const row = this.sql.exec<Row>("SELECT v FROM meta WHERE k = ?", k).toArray()[0];
    return row === undefined ? null : String(row.v);
  }

  #setMeta(k: string, v: string): void {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
  }
}

/** Writes an activity into the kernel's activity tables (one row each; rain packets are never stored). */
export function saveActivityRows(sql: Pick<SqlStorage, "exec">, a: ActivityConfig): void {
  sql.exec(
    `INSERT OR REPLACE INTO activity (id, title, start_at_ms, prize_pool_cents, answer_window_ms, stream_url, grab_cap)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    a.id,
    a.title,
    a.startAtMs,
    a.prizePoolCents,
    a.answerWindowMs,
    a.streamUrl,
    a.grabCap,
  );
  a.questions.forEach((q, idx) => {
    sql.exec(
      "INSERT OR REPLACE INTO activity_questions (idx, text, options, correct) VALUES (?, ?, ?, ?)",
      idx,
      q.text,
      JSON.stringify(q.options),
      q.correct,
    );
  });
  a.rains.forEach((r, idx) => {
    sql.exec(
      `INSERT OR REPLACE INTO activity_rains (idx, total_cents, count, target_taps_per_sec, duration_ms, seed)
       VALUES (?, ?, ?, ?, ?, ?)`,
      idx,
      r.totalCents,
      r.count,
      r.targetTapsPerSec,
      r.durationMs,
      r.seed,
    );
  });
}
