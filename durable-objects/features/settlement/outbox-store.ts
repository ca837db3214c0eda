// The room's outbox: rows added with the state change they settle, unsent rows for the drain,
// marking sent, re-sending for reconciliation, and the record it reports.
import type { SettlementEntry } from "../../../schema/settlement";
import type { OutboxMessage } from "./outbox-drain";

/** The task under which the alarm drains the outbox. */
export const DRAIN_TASK = "drain";

/** One outbox row as the room keeps it. */
export interface OutboxRow {
  key: string;
  body: string;
  createdMs: number;
  sentMs: number | null;
}

/** An outbox row's key and when it was written. */
export interface OutboxMark {
  key: string;
  createdMs: number;
}

type Row = Record<string, SqlStorageValue>;

export class OutboxStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Adds a row; the same key twice keeps the first. */
  add(entry: SettlementEntry, nowMs: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO outbox (key, body, created_ms) VALUES (?, ?, ?)",
      entry.key,
      JSON.stringify(entry.body),
      nowMs,
    );
  }

  /** Up to `limit` unsent rows, oldest first. */
  unsent(limit: number): OutboxMessage[] {
    return this.sql
      .exec<Row>("SELECT key, body FROM outbox WHERE sent_ms IS NULL ORDER BY created_ms, key LIMIT ?", limit)
      .toArray()
      .map((r) => ({ key: String(r.key), body: String(r.body) }));
  }

  /** Marks rows sent (one statement per key: DO SQLite binds at most 100 parameters). */
  markSent(keys: readonly string[], atMs: number): void {
    for (const key of keys) this.sql.exec("UPDATE outbox SET sent_ms = ? WHERE key = ?", atMs, key);
  }

  /** Marks rows unsent again so that the drain sends them once more; keys the room never wrote are returned apart. */
  resend(keys: readonly string[]): { resent: string[]; unknown: string[] } {
    const resent: string[] = [];
    const unknown: string[] = [];
    for (const key of new Set(keys)) {
      const found =
        this.sql.exec<Row>("SELECT 1 AS found FROM outbox WHERE key = ?", key).toArray().length > 0;
      if (found) {
        this.sql.exec("UPDATE outbox SET sent_ms = NULL WHERE key = ?", key);
        resent.push(key);
      } else {
        unknown.push(key);
      }
    }
    return { resent, unknown };
  }

  /** Rows after `afterKey` in key order, at most `limit`: the paged record reconciliation reads. */
  page(afterKey: string | null, limit: number): OutboxRow[] {
    return this.sql
      .exec<Row>(
        "SELECT key, body, created_ms, sent_ms FROM outbox WHERE key > ? ORDER BY key LIMIT ?",
        afterKey ?? "",
        limit,
      )
      .toArray()
      .map((r) => ({
        key: String(r.key),
        body: String(r.body),
        createdMs: Number(r.created_ms),
        sentMs: r.sent_ms === null ? null : Number(r.sent_ms),
      }));
  }

  /** How many rows wait to be sent. */
  unsentCount(): number {
    return Number(this.sql.exec<Row>("SELECT COUNT(*) AS n FROM outbox WHERE sent_ms IS NULL").one().n);
  }

  /** When the oldest unsent row was written (null when none): the outbox's lag (the stats' health). */
  oldestUnsentMs(): number | null {
    const row = this.sql.exec<Row>("SELECT MIN(created_ms) AS at FROM outbox WHERE sent_ms IS NULL").one();
    return row.at === null ? null : Number(row.at);
  }

  /** Up to `limit` sent rows after `after` in (created_ms, key) order: what the health checks in D1. */
  sentAfter(after: { createdMs: number; key: string } | null, limit: number): OutboxMark[] {
    return this.sql
      .exec<Row>(
        "SELECT key, created_ms FROM outbox WHERE sent_ms IS NOT NULL AND (created_ms > ? OR (created_ms = ? AND key > ?)) ORDER BY created_ms, key LIMIT ?",
        after?.createdMs ?? -1,
        after?.createdMs ?? -1,
        after?.key ?? "",
        limit,
      )
      .toArray()
      .map((r) => ({ key: String(r.key), createdMs: Number(r.created_ms) }));
  }

  /** Consecutive failed drains, for the backoff. */
  failures(): number {
    const row = this.sql.exec<Row>("SELECT failures FROM drain_state WHERE id = 1").toArray()[0];
    return row === undefined ? 0 : Number(row.failures);
  }

  setFailures(n: number): void {
    this.sql.exec(
      "INSERT INTO drain_state (id, failures) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET failures = excluded.failures",
      n,
    );
  }
}
