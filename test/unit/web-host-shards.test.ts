import { describe, expect, test } from "vitest";
import { decodeInbound } from "../../client/codec";
import { liveroom } from "../../schema/generated/live";
import type { ShardStatsView } from "../../schema/room-stats";
import { shardTable } from "../../web/src/host/shard-table";

const shard = (k: number, over: Partial<ShardStatsView> = {}): ShardStatsView => ({
  shard: k,
  online: 0,
  players: 0,
  answers: 0,
  answersPerSec: 0,
  fanoutMs: 0,
  outboxBacklog: 0,
  roomSeq: 0,
  ...over,
});

describe("the console's shard table", () => {
  test("a one-shard room: one row, and a total equal to it", () => {
    const s = shard(0, {
      online: 3,
      players: 3,
      answers: 2,
      answersPerSec: 1,
      fanoutMs: 4,
      outboxBacklog: 0,
      roomSeq: 5,
    });
    expect(shardTable({ roomSeq: 5, shards: [s] })).toEqual({
      rows: [
        {
          shard: "0",
          online: "3",
          players: "3",
          answers: "2",
          answersPerSec: "1",
          fanoutMs: "4",
          outboxBacklog: "0",
          roomSeq: "5",
          behind: 0,
        },
      ],
      total: {
        shard: "total",
        online: "3",
        players: "3",
        answers: "2",
        answersPerSec: "1",
        fanoutMs: "4",
        outboxBacklog: "0",
        roomSeq: "5",
        behind: 0,
      },
      summary: "1 shard",
    });
  });

  test("N shards: a row each in shard order; sums, the slowest fan-out, and a shard behind the room's sequence", () => {
    const view = shardTable({
      roomSeq: 1_204,
      shards: [
        shard(2, {
          online: 9_871,
          players: 9_870,
          answers: 1_500,
          answersPerSec: 310,
          fanoutMs: 41,
          roomSeq: 1_204,
        }),
        shard(0, {
          online: 10_020,
          players: 10_002,
          answers: 1_702,
          answersPerSec: 402,
          fanoutMs: 38,
          outboxBacklog: 12,
          roomSeq: 1_204,
        }),
        shard(1, {
          online: 9_990,
          players: 9_989,
          answers: 1_649,
          answersPerSec: 377,
          fanoutMs: 55,
          outboxBacklog: 3,
          roomSeq: 1_201,
        }),
      ],
    });
    expect(view.rows.map((r) => [r.shard, r.online, r.answers, r.fanoutMs, r.roomSeq, r.behind])).toEqual([
      ["0", "10,020", "1,702", "38", "1,204", 0],
      ["1", "9,990", "1,649", "55", "1,201 (3 behind)", 3],
      ["2", "9,871", "1,500", "41", "1,204", 0],
    ]);
    expect(view.total).toEqual({
      shard: "total",
      online: "29,881",
      players: "29,861",
      answers: "4,851",
      answersPerSec: "1,089",
      fanoutMs: "55",
      outboxBacklog: "15",
      roomSeq: "1,204",
      behind: 0,
    });
    expect(view.summary).toBe("3 shards · 1 behind the room's sequence");
  });

  test("stats without shard rows (a room older than the field): no rows, zero totals", () => {
    expect(shardTable({ roomSeq: 7, shards: [] })).toEqual({
      rows: [],
      total: {
        shard: "total",
        online: "0",
        players: "0",
        answers: "0",
        answersPerSec: "0",
        fanoutMs: "0",
        outboxBacklog: "0",
        roomSeq: "7",
        behind: 0,
      },
      summary: "no per-shard figures from this room",
    });
  });

  test("reads a STATS frame's shards as the SDK decodes them", () => {
    const frame = liveroom.Frame.encode({
      type: liveroom.Type.STATS,
      seq: 4,
      response: {
        status: liveroom.Status.OK,
        stats: {
          roomSeq: 12,
          shards: [
            { shard: 0, online: 2, players: 2, answers: 1, answersPerSec: 1, fanoutMs: 3, roomSeq: 12 },
            { shard: 1, online: 1, players: 1, answers: 0, fanoutMs: 2, outboxBacklog: 4, roomSeq: 11 },
          ],
        },
      },
    }).finish();
    const inbound = decodeInbound(frame);
    if (inbound.kind !== "response" || !inbound.response.ok || inbound.response.result?.kind !== "stats")
      throw new Error(`not a stats response: ${inbound.kind}`);
    const view = shardTable(inbound.response.result.stats);
    expect(view.rows.map((r) => Object.values(r))).toEqual([
      ["0", "2", "2", "1", "1", "3", "0", "12", 0],
      ["1", "1", "1", "0", "0", "2", "4", "11 (1 behind)", 1],
    ]);
    expect(view.summary).toBe("2 shards · 1 behind the room's sequence");
  });
});
