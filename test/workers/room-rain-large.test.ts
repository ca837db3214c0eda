// The largest activity the admin API accepts for rains (4 rains of 100,000 packets here, the most
// packets one rain may have), created over HTTP as operators create it, run in a room: no value the
// room or D1 stores may grow with the packet count (a Durable Object value is at most 2 MB, and local
// workerd does not enforce it, so only a test that measures can catch one).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LiveRoom } from "../../durable-objects/live-room";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { liveroom } from "../../schema/proto";
import { call, tokenFor } from "./http-helpers";
import { grab } from "./support/rain";
import { RawClient, roomStub, uniqueId } from "./support/raw-client";

const OK = liveroom.Status.OK;
const MB = 1_048_576;
const RAINS = [0, 1, 2, 3].map((i) => ({
  totalCents: 987_654_321 + i,
  count: 100_000,
  targetTapsPerSec: 1_000_000,
  durationMs: 300_000,
  seed: `largest-${i}`,
}));

type Longest = { column: string; bytes: number };

/** The longest stored value of every column of every user table (`tables`: their names), longest first. */
async function longestValues(
  tables: string[],
  columnsOf: (table: string) => Promise<string[]>,
  maxOf: (table: string, column: string) => Promise<number>,
): Promise<Longest[]> {
  const out: Longest[] = [];
  for (const table of tables) {
    for (const column of await columnsOf(table)) {
      out.push({ column: `${table}.${column}`, bytes: await maxOf(table, column) });
    }
  }
  return out.sort((x, y) => y.bytes - x.bytes);
}

describe("the largest rains", () => {
  it("4 rains of 100,000 packets: created over HTTP, run in a room; no stored value near 1 MB, in the room or in D1", async () => {
    const id = uniqueId("largest");
    const admin = await tokenFor("admin");
    const created = await call<{ activity: { rains: { count: number; minPacketCents: number }[] } }>(
      "POST",
      "/api/admin/activities",
      {
        token: admin,
        body: {
          id,
          title: "The largest rains",
          startAt: "2026-05-01T20:00:00Z",
          prizePoolCents: 100_000,
          questions: [{ text: "q0", options: ["a", "b"], correct: 0 }],
          rains: RAINS,
        },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.activity.rains.map((r) => r.count)).toEqual([100_000, 100_000, 100_000, 100_000]);

    const post = (path: string) =>
      call<{ stats: Record<string, unknown> }>("POST", `/api/rooms/${id}${path}`, {
        token: admin,
        body: { streamTsMs: 0 },
      });
    expect((await post("/open")).status).toBe(200);
    const started = await post("/rains/0/start");
    expect(started.status).toBe(200);
    expect(started.body.stats).toMatchObject({ rain: 0, rainRunning: true, packetsLeft: 100_000 });

    // A few players grab: the packets come in pool order, each the amount the seed gives.
    const amounts = rainPackets(RAINS[0]!);
    const p = uniqueId("lg");
    const players = await Promise.all([0, 1, 2].map((i) => RawClient.join(id, `${p}-${i}`)));
    const granted: number[] = [];
    for (const player of [...players, ...players]) {
      const g = await grab(player, 0);
      expect(g.status).toBe(OK);
      granted.push(Number(g.grab!.amountCents));
    }
    expect(granted).toEqual(amounts.slice(0, 6));
    const stats = await roomStub(id).control(id, { kind: "stats" });
    expect(stats.ok && stats.stats).toMatchObject({
      packetsLeft: 99_994,
      grantedPackets: 6,
      grantedCents: granted.reduce((s, x) => s + x, 0),
    });

    // Every value the room stores, whatever the table.
    const room = await runInDurableObject(roomStub(id), async (_room: LiveRoom, state) => {
      const sql = state.storage.sql;
      const tables = sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
        )
        .toArray()
        .map((r) => r.name);
      return longestValues(
        tables,
        async (t) =>
          sql
            .exec<{ name: string }>(`SELECT name FROM pragma_table_info('${t}')`)
            .toArray()
            .map((r) => r.name),
        async (t, c) => Number(sql.exec(`SELECT max(length("${c}")) AS n FROM "${t}"`).one().n ?? 0),
      );
    });
    // Every value D1 stores (the activity's rows, the ledger, everything other tests wrote too).
    const d1Tables = (
      await env.DB.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name",
      ).all<{ name: string }>()
    ).results.map((r) => r.name);
    const d1 = await longestValues(
      d1Tables,
      async (t) =>
        (await env.DB.prepare(`PRAGMA table_info("${t}")`).all<{ name: string }>()).results.map(
          (r) => r.name,
        ),
      async (t, c) =>
        (await env.DB.prepare(`SELECT max(length("${c}")) AS n FROM "${t}"`).first<{ n: number | null }>())
          ?.n ?? 0,
    );
    console.log("largest rains: longest stored values", { room: room.slice(0, 3), d1: d1.slice(0, 3) });
    expect(room.length).toBeGreaterThan(20);
    expect(d1Tables).toEqual(expect.arrayContaining(["activities", "questions", "rains"]));
    expect(room.filter((v) => v.bytes > MB)).toEqual([]);
    expect(d1.filter((v) => v.bytes > MB)).toEqual([]);
    // Far below, in fact: nothing grows with the packets (the largest values are a few hundred bytes).
    expect(room[0]!.bytes).toBeLessThan(16_384);
    expect(d1[0]!.bytes).toBeLessThan(16_384);
    for (const player of players) player.close();
  });
});
