// The red-packet tables of a room's Durable Object SQLite storage, beside RoomStore's (same
// database). Keyed so that a room split into shards by player hash keeps working: grants are keyed
// by packet (rain, packet_index) and looked up by player; a player's count is derived from them.
import type { RainRecord, RainTallies } from "./record";

/** One granted packet: who got it, under which replay id, and the answer they were given. */
export interface GrantRow {
  rain: number;
  packetIndex: number;
  userId: string;
  replayId: string;
  amountCents: number;
  /** Packets the player held in the activity after this grant (the `GrabResult.grabbed` answered). */
  grabbed: number;
  atMs: number;
}

type Row = Record<string, SqlStorageValue>;

/** A shard's own part of a rain: what it granted and refused (the room's totals are their sums). */
export interface ShardPart extends RainTallies {
  /** It holds (or held) the pool's last slice: when its holdings run out it tells the coordinator. */
  tail: boolean;
}

/** Packet indexes [start, end) of a rain; `cursor` is the next one a shard grants from it. */
export interface Holding {
  start: number;
  end: number;
  cursor: number;
}

export const EMPTY_PART: ShardPart = {
  grantedCents: 0,
  grantedPackets: 0,
  grabs: 0,
  throttled: 0,
  tail: false,
};

export class RainStore {
  constructor(private readonly sql: SqlStorage) {}

  /** The newest started rain's record (the current one, or the last one once it ended). */
  current(): RainRecord | null {
    const row = this.sql
      .exec<Row>("SELECT * FROM rain_runs ORDER BY started_ms DESC, rain DESC LIMIT 1")
      .toArray()[0];
    return row === undefined ? null : toRecord(row);
  }

  record(rain: number): RainRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM rain_runs WHERE rain = ?", rain).toArray()[0];
    return row === undefined ? null : toRecord(row);
  }

  /** Rains this activity started, in index order. */
  started(): number[] {
    return this.sql
      .exec<Row>("SELECT rain FROM rain_runs ORDER BY rain")
      .toArray()
      .map((r) => Number(r.rain));
  }

  saveRecord(r: RainRecord): void {
    this.sql.exec(
      `INSERT INTO rain_runs (rain, phase, ends_at_ms, cursor, end_index, started_ms, stream_ts_ms,
         granted_cents, granted_packets, grabs, throttled, throttle_ppm)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rain) DO UPDATE SET phase = excluded.phase, ends_at_ms = excluded.ends_at_ms,
         cursor = excluded.cursor, end_index = excluded.end_index, granted_cents = excluded.granted_cents,
         granted_packets = excluded.granted_packets, grabs = excluded.grabs,
         throttled = excluded.throttled, throttle_ppm = excluded.throttle_ppm`,
      r.run.rain,
      r.run.phase,
      r.run.endsAtMs,
      r.run.cursor,
      r.run.end,
      r.startedMs,
      r.streamTsMs,
      r.grantedCents,
      r.grantedPackets,
      r.grabs,
      r.throttled,
      r.throttlePpm,
    );
  }

  part(rain: number): ShardPart {
    const row = this.sql.exec<Row>("SELECT * FROM rain_shard WHERE rain = ?", rain).toArray()[0];
    if (row === undefined) return EMPTY_PART;
    return {
      grantedCents: Number(row.granted_cents),
      grantedPackets: Number(row.granted_packets),
      grabs: Number(row.grabs),
      throttled: Number(row.throttled),
      tail: Number(row.tail) === 1,
    };
  }

  savePart(rain: number, p: ShardPart): void {
    this.sql.exec(
      `INSERT INTO rain_shard (rain, granted_cents, granted_packets, grabs, throttled, tail) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (rain) DO UPDATE SET granted_cents = excluded.granted_cents,
         granted_packets = excluded.granted_packets, grabs = excluded.grabs, throttled = excluded.throttled,
         tail = excluded.tail`,
      rain,
      p.grantedCents,
      p.grantedPackets,
      p.grabs,
      p.throttled,
      p.tail ? 1 : 0,
    );
  }

  /** This shard's slices of a rain's pool with packets left, lowest first. */
  holdings(rain: number): Holding[] {
    return this.sql
      .exec<Row>(
        "SELECT start, end_index, cursor FROM rain_holdings WHERE rain = ? AND cursor < end_index ORDER BY start",
        rain,
      )
      .toArray()
      .map((r) => ({ start: Number(r.start), end: Number(r.end_index), cursor: Number(r.cursor) }));
  }

  putHolding(rain: number, h: Holding): void {
    this.sql.exec(
      `INSERT INTO rain_holdings (rain, start, end_index, cursor) VALUES (?, ?, ?, ?)
       ON CONFLICT (rain, start) DO UPDATE SET end_index = excluded.end_index, cursor = excluded.cursor`,
      rain,
      h.start,
      h.end,
      h.cursor,
    );
  }

  /** Gives back every packet this shard holds of a rain and did not grant; the slices are gone. */
  releaseHoldings(rain: number): { start: number; end: number }[] {
    const ranges = this.holdings(rain).map((h) => ({ start: h.cursor, end: h.end }));
    this.sql.exec("DELETE FROM rain_holdings WHERE rain = ?", rain);
    return ranges;
  }

  /** The coordinator: slices shards gave back, to hand out again. */
  addReturned(rain: number, ranges: readonly { start: number; end: number }[]): void {
    for (const r of ranges) {
      if (r.end > r.start)
        this.sql.exec(
          "INSERT INTO rain_returned (rain, start, end_index) VALUES (?, ?, ?)",
          rain,
          r.start,
          r.end,
        );
    }
  }

  returnedLeft(rain: number): number {
    return Number(
      this.sql
        .exec<Row>("SELECT COALESCE(SUM(end_index - start), 0) AS n FROM rain_returned WHERE rain = ?", rain)
        .one().n,
    );
  }

  /** Takes up to `want` given-back packets (whole slices, the last one split). */
  takeReturned(rain: number, want: number): { start: number; end: number }[] {
    const out: { start: number; end: number }[] = [];
    let left = want;
    for (const r of this.sql
      .exec<Row>("SELECT start, end_index FROM rain_returned WHERE rain = ? ORDER BY start", rain)
      .toArray()) {
      if (left === 0) break;
      const start = Number(r.start);
      const end = Number(r.end_index);
      const n = Math.min(left, end - start);
      out.push({ start, end: start + n });
      left -= n;
      this.sql.exec("DELETE FROM rain_returned WHERE rain = ? AND start = ?", rain, start);
      if (start + n < end)
        this.sql.exec(
          "INSERT INTO rain_returned (rain, start, end_index) VALUES (?, ?, ?)",
          rain,
          start + n,
          end,
        );
    }
    return out;
  }

  /** The grant a grab with this replay id already got, if any. */
  grantFor(userId: string, rain: number, replayId: string): GrantRow | null {
    const row = this.sql
      .exec<Row>(
        "SELECT * FROM grants WHERE user_id = ? AND rain = ? AND replay_id = ?",
        userId,
        rain,
        replayId,
      )
      .toArray()[0];
    return row === undefined ? null : toGrant(row);
  }

  /** Packets the player holds in the activity, across its rains. */
  grabbed(userId: string): number {
    return Number(this.sql.exec<Row>("SELECT COUNT(*) AS n FROM grants WHERE user_id = ?", userId).one().n);
  }

  /** Records a grant. A packet granted twice violates the primary key and throws: a bug, never silent. */
  addGrant(g: GrantRow): void {
    this.sql.exec(
      "INSERT INTO grants (rain, packet_index, user_id, replay_id, amount_cents, grabbed, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      g.rain,
      g.packetIndex,
      g.userId,
      g.replayId,
      g.amountCents,
      g.grabbed,
      g.atMs,
    );
  }
}

function toRecord(row: Row): RainRecord {
  return {
    run: {
      rain: Number(row.rain),
      phase: row.phase === "ended" ? "ended" : "running",
      endsAtMs: Number(row.ends_at_ms),
      cursor: Number(row.cursor),
      end: Number(row.end_index),
    },
    startedMs: Number(row.started_ms),
    streamTsMs: Number(row.stream_ts_ms),
    grantedCents: Number(row.granted_cents),
    grantedPackets: Number(row.granted_packets),
    grabs: Number(row.grabs),
    throttled: Number(row.throttled),
    throttlePpm: Number(row.throttle_ppm),
  };
}

function toGrant(row: Row): GrantRow {
  return {
    rain: Number(row.rain),
    packetIndex: Number(row.packet_index),
    userId: String(row.user_id),
    replayId: String(row.replay_id),
    amountCents: Number(row.amount_cents),
    grabbed: Number(row.grabbed),
    atMs: Number(row.at_ms),
  };
}
