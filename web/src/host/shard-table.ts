// The console's per-shard table (DESIGN §8): one row per shard of the room and a total, as text.
import type { HostStats } from "./stats";

/** One line of the table, every cell as shown. */
export interface ShardRowView {
  /** "0", "1"… or "total". */
  shard: string;
  online: string;
  players: string;
  answers: string;
  answersPerSec: string;
  fanoutMs: string;
  outboxBacklog: string;
  roomSeq: string;
  /** Numbered notifications the room sent that this shard has not applied yet (0 on the total). */
  behind: number;
}

export interface ShardTableView {
  rows: ShardRowView[];
  /** Sums, except fan-out (the slowest shard: the room's last socket waits for it) and the room's seq. */
  total: ShardRowView;
  /** "1 shard", "8 shards · 2 behind the room's sequence"… */
  summary: string;
}

const count = (n: number) => n.toLocaleString("en-US");
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * The per-shard table of a room's stats (`shards`, one row per shard, sorted by shard). A shard that
 * has not applied the room's last numbered notification yet (a delivery in flight, or one it is
 * catching up on) says how far behind it is.
 *
 * @example
 * shardTable({ roomSeq: 9, shards: [row0, row1] }).rows[1].roomSeq // "7 (2 behind)"
 */
export function shardTable(stats: Pick<HostStats, "roomSeq" | "shards">): ShardTableView {
  const shards = [...stats.shards].sort((a, b) => a.shard - b.shard);
  const rows = shards.map((s): ShardRowView => {
    const behind = Math.max(0, stats.roomSeq - s.roomSeq);
    return {
      shard: String(s.shard),
      online: count(s.online),
      players: count(s.players),
      answers: count(s.answers),
      answersPerSec: count(s.answersPerSec),
      fanoutMs: count(s.fanoutMs),
      outboxBacklog: count(s.outboxBacklog),
      roomSeq: behind > 0 ? `${count(s.roomSeq)} (${count(behind)} behind)` : count(s.roomSeq),
      behind,
    };
  });
  const total: ShardRowView = {
    shard: "total",
    online: count(sum(shards.map((s) => s.online))),
    players: count(sum(shards.map((s) => s.players))),
    answers: count(sum(shards.map((s) => s.answers))),
    answersPerSec: count(sum(shards.map((s) => s.answersPerSec))),
    fanoutMs: count(Math.max(0, ...shards.map((s) => s.fanoutMs))),
    outboxBacklog: count(sum(shards.map((s) => s.outboxBacklog))),
    roomSeq: count(stats.roomSeq),
    behind: 0,
  };
  const lagging = rows.filter((r) => r.behind > 0).length;
  if (rows.length === 0) return { rows, total, summary: "no per-shard figures from this room" };
  const n = `${rows.length} ${rows.length === 1 ? "shard" : "shards"}`;
  return { rows, total, summary: lagging > 0 ? `${n} · ${lagging} behind the room's sequence` : n };
}
