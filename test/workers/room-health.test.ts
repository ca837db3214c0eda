// The room's health (GET /api/rooms/:id/health, docs/live-room.md "Show health") and the viewers'
// online count (ONLINE_COUNT) in a room of three shards whose clocks are held: every figure is exact.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { RoomHealthView } from "../../schema/room-health";
import { liveroom } from "../../schema/proto";
import { shardOf } from "../../schema/shards";
import { call, tokenFor } from "./http-helpers";
import {
  advanceClock,
  createActivity,
  RawClient,
  roomStub,
  shardStubs,
  uniqueId,
  usersByShard,
} from "./support/raw-client";

const T = liveroom.Type;
const OK = liveroom.Status.OK;
const SHARDS = 3;

async function health(activityId: string): Promise<RoomHealthView> {
  const r = await call<{ health: RoomHealthView }>("GET", `/api/rooms/${activityId}/health`, {
    token: await tokenFor("admin"),
  });
  expect(r.status).toBe(200);
  return r.body.health;
}

async function control(activityId: string, op: Parameters<ReturnType<typeof roomStub>["control"]>[1]) {
  const r = await roomStub(activityId).control(activityId, op);
  if (!r.ok) throw new Error(r.message);
  return r.stats;
}

/** The room's online count once every shard's report arrived. */
async function waitOnline(activityId: string, n: number): Promise<void> {
  await vi.waitUntil(async () => (await control(activityId, { kind: "stats" })).online === n, {
    timeout: 10_000,
    interval: 20,
  });
}

const onlineCounts = (c: RawClient) =>
  c.frames.filter((f) => f.type === T.ONLINE_COUNT).map((f) => f.notification!.onlineCount!.online);

describe("show health", () => {
  it("per question intake and lag, reconnects and resumes per shard, exact on held clocks", async () => {
    const a = await createActivity({
      questions: [
        { text: "q0", options: ["a", "b"], correct: 0 },
        { text: "q1", options: ["a", "b"], correct: 1 },
      ],
      answerWindowMs: 10_000,
      shards: SHARDS,
    });
    // Woken first, then held together: the shards' clocks stand a few ms apart at most.
    const stubs = await shardStubs(a.id);
    await Promise.all(stubs.map((s) => s.holdClock(false)));
    await Promise.all(stubs.map((s) => s.holdClock(true)));
    const users = usersByShard(uniqueId("hl"), SHARDS, 2);
    const clients = new Map<string, RawClient>();
    for (const u of users.flat()) clients.set(u, await RawClient.join(a.id, u));
    await waitOnline(a.id, 6);

    const empty = await health(a.id);
    expect(empty).toMatchObject({
      activityId: a.id,
      shardCount: SHARDS,
      online: 6,
      questions: [],
      fanout: { lastSocketMs: 0, coordinatorMs: 0, slowestShardMs: 0 },
      settlement: { outboxBacklog: 0, oldestUnsentAgeMs: null, unapplied: 0, oldestUnappliedAgeMs: null },
      reconnects: 0,
      resumes: 0,
    });
    expect(empty.shards.map((s) => [s.shard, s.online, s.behind])).toEqual([
      [0, 2, 0],
      [1, 2, 0],
      [2, 2, 0],
    ]);

    await control(a.id, { kind: "open" });
    await control(a.id, { kind: "push", question: 0, streamTsMs: 0 });
    const pushedAt = (await health(a.id)).nowMs;
    // Five answers from three shards over 2 s of room time: lags 50, 50, 550, 1350 and 1950 ms (each
    // 50 ms into its 100 ms step, so the few ms between the shards' clocks change no step).
    const [s0, s1, s2] = users;
    const answer = async (u: string) => expect((await clients.get(u)!.answer(0, 0)).status).toBe(OK);
    await advanceClock(a.id, 50);
    await answer(s0![0]!);
    await answer(s1![0]!);
    await advanceClock(a.id, 500);
    await answer(s2![0]!);
    await advanceClock(a.id, 800);
    await answer(s0![1]!);
    await advanceClock(a.id, 600);
    await answer(s1![1]!);
    await advanceClock(a.id, 50);

    const open = await health(a.id);
    expect(open.nowMs).toBe(pushedAt + 2000);
    expect(open.questions).toEqual([
      {
        question: 0,
        pushedAtMs: pushedAt,
        openMs: 2000,
        open: true,
        answers: 5,
        perSec: 2.5,
        peakPerSec: 3,
        lagMs: { p50: 500, p90: 1900, p99: 1900, max: 1900 },
        perSecond: [3, 2],
      },
    ]);
    // Every shard applied the push: none behind; the clocks stand still, so every fan-out took 0 ms.
    expect(open.shards.map((s) => s.behind)).toEqual([0, 0, 0]);
    expect(open.fanout.lastSocketMs).toBe(0);

    // Revealed 1 s later: its time stops there (3 s), however long the health is read after.
    await advanceClock(a.id, 1000);
    await control(a.id, { kind: "reveal", question: 0, streamTsMs: 0 });
    await advanceClock(a.id, 5000);
    const revealed = await health(a.id);
    expect(revealed.questions[0]).toMatchObject({ openMs: 3000, open: false, answers: 5, perSec: 1.67 });

    // A user of shard 2 comes back on a new socket and resumes; a user of shard 1 resumes twice.
    const back = s2![1]!;
    clients.get(back)!.close();
    await waitOnline(a.id, 5);
    const again = await RawClient.join(a.id, back);
    clients.set(back, again);
    await waitOnline(a.id, 6);
    expect((await again.request(T.RESUME, { resume: { afterSeq: 0 } })).status).toBe(OK);
    for (let i = 0; i < 2; i++)
      expect((await clients.get(s1![0]!)!.request(T.RESUME, { resume: { afterSeq: 0 } })).status).toBe(OK);
    const h = await health(a.id);
    expect(h.shards.map((s) => [s.shard, s.reconnects, s.resumes])).toEqual([
      [0, 0, 0],
      [1, 0, 2],
      [2, 1, 1],
    ]);
    expect(h.shards[1]).toMatchObject({ reconnectsPerSec: 0, resumesPerSec: 0.03 });
    expect(h).toMatchObject({ reconnects: 1, resumes: 3, reconnectsPerSec: 0.02, resumesPerSec: 0.05 });
    // A minute later the window is empty.
    await advanceClock(a.id, 60_000);
    expect(await health(a.id)).toMatchObject({ reconnects: 0, resumes: 0 });

    expect(
      (await call("GET", `/api/rooms/no-such-room/health`, { token: await tokenFor("admin") })).status,
    ).toBe(404);
    // A shard that does not answer: refused whole (409 SHARD_UNAVAILABLE), never part of the room.
    await stubs[2]!.failNextCall("op", "kernel.figures");
    const refused = await call<{ error: { code: string } }>("GET", `/api/rooms/${a.id}/health`, {
      token: await tokenFor("admin"),
    });
    expect([refused.status, refused.body.error.code]).toEqual([409, "SHARD_UNAVAILABLE"]);
    expect((await health(a.id)).shardCount).toBe(SHARDS);
    for (const c of clients.values()) c.close();
    await waitOnline(a.id, 0);
  }, 30_000);
});

describe("outbox and settlement lag", () => {
  it("settled prizes leave no lag; an event sent but not in D1 and one not sent are aged exactly", async () => {
    const a = await createActivity({
      questions: [{ text: "q", options: ["a", "b"], correct: 0 }],
      answerWindowMs: 10_000,
      prizePoolCents: 1_000,
      shards: 2,
    });
    const stubs = await shardStubs(a.id);
    await Promise.all(stubs.map((s) => s.holdClock(false)));
    await Promise.all(stubs.map((s) => s.holdClock(true)));
    const p = uniqueId("st");
    const byShard = [0, 1].map(
      (k) => Array.from({ length: 40 }, (_, i) => `${p}-${i}`).find((u) => shardOf(u, 2) === k)!,
    );
    const clients = await Promise.all(byShard.map((u) => RawClient.join(a.id, u)));
    await control(a.id, { kind: "open" });
    await control(a.id, { kind: "push", question: 0, streamTsMs: 0 });
    for (const c of clients) expect((await c.answer(0, 0)).status).toBe(OK);
    await control(a.id, { kind: "reveal", question: 0, streamTsMs: 0 });
    await control(a.id, { kind: "end" });
    // Each shard writes its winner's prize, drains it to the Queue, and the consumer applies it in D1.
    await vi.waitUntil(
      async () => {
        const s = (await health(a.id)).settlement;
        const paid = await env.DB.prepare(
          "SELECT COUNT(*) AS n FROM ledger_transfers WHERE activity_id = ? AND kind = 'prize'",
        )
          .bind(a.id)
          .first<{ n: number }>();
        return paid?.n === 2 && s.outboxBacklog === 0 && s.unapplied === 0;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect((await health(a.id)).settlement).toEqual({
      outboxBacklog: 0,
      oldestUnsentAgeMs: null,
      unapplied: 0,
      oldestUnappliedAgeMs: null,
    });

    // On the coordinator's shard: one event marked sent that D1 never got, and one not sent yet; 5 s later.
    const now = (await health(a.id)).nowMs;
    const ghost = `zz-ghost:${a.id}`;
    await runInDurableObject(roomStub(a.id), (_room, state) => {
      state.storage.sql.exec(
        "INSERT INTO outbox (key, body, created_ms, sent_ms) VALUES (?, '{}', ?, ?), (?, '{}', ?, NULL)",
        ghost,
        now,
        now,
        `${ghost}:unsent`,
        now,
      );
    });
    await advanceClock(a.id, 5_000);
    const lagging = await health(a.id);
    expect(lagging.settlement).toEqual({
      outboxBacklog: 1,
      oldestUnsentAgeMs: 5_000,
      unapplied: 1,
      oldestUnappliedAgeMs: 5_000,
    });
    expect(lagging.shards.map((s) => [s.outboxBacklog, s.unapplied])).toEqual([
      [1, 1],
      [0, 0],
    ]);
    // Acknowledged by the consumer as an issue: settled, as far as the room's lag goes.
    await env.DB.prepare(
      "INSERT INTO settlement_issues (code, key, activity_id, detail, body, first_seen_at, last_seen_at, seen_count) VALUES ('INVALID_EVENT', ?, ?, '{}', ?, 0, 0, 1)",
    )
      .bind(ghost, a.id, ghost)
      .run();
    expect((await health(a.id)).settlement).toMatchObject({ unapplied: 0, oldestUnappliedAgeMs: null });
    await runInDurableObject(roomStub(a.id), (_room, state) => {
      state.storage.sql.exec("DELETE FROM outbox WHERE key LIKE 'zz-ghost:%'");
    });
    for (const c of clients) c.close();
    await waitOnline(a.id, 0);
  }, 30_000);
});

describe("the viewers' online count", () => {
  it("every shard's users, at most once a second, only when it changed", async () => {
    const a = await createActivity({
      questions: [{ text: "q", options: ["a", "b"], correct: 0 }],
      shards: SHARDS,
    });
    for (const stub of await shardStubs(a.id)) await stub.holdClock(true);
    const [s0, s1, s2] = usersByShard(uniqueId("on"), SHARDS, 2);
    const v0 = await RawClient.join(a.id, s0![0]!);
    // The first change goes out at once.
    await vi.waitUntil(() => onlineCounts(v0).length === 1, { timeout: 10_000, interval: 20 });
    expect(onlineCounts(v0)).toEqual([1]);

    const v1 = await RawClient.join(a.id, s1![0]!);
    const v2 = await RawClient.join(a.id, s2![0]!);
    await waitOnline(a.id, 3);
    // Within the second of the last one: nothing, however often the alarm runs.
    await runDurableObjectAlarm(roomStub(a.id));
    await advanceClock(a.id, 999);
    await v0.flush();
    expect(onlineCounts(v0)).toEqual([1]);
    await advanceClock(a.id, 1);
    for (const c of [v0, v1, v2])
      await vi.waitUntil(() => onlineCounts(c).length > 0 && onlineCounts(c).at(-1) === 3, {
        timeout: 10_000,
        interval: 20,
      });

    // 3 → 2 → 3 within a second: unchanged when the second is up, so nothing is sent.
    v2.close();
    await waitOnline(a.id, 2);
    const v3 = await RawClient.join(a.id, s2![1]!);
    await waitOnline(a.id, 3);
    await advanceClock(a.id, 1000);
    await runDurableObjectAlarm(roomStub(a.id));
    // Then a real change: the next count is 2, with no 3 sent before it.
    v3.close();
    await waitOnline(a.id, 2);
    await advanceClock(a.id, 1000);
    for (const c of [v0, v1])
      await vi.waitUntil(() => onlineCounts(c).at(-1) === 2, { timeout: 10_000, interval: 20 });
    expect(onlineCounts(v0)).toEqual([1, 3, 2]);
    expect(onlineCounts(v1)).toEqual([3, 2]);
    // Unnumbered: room_seq 0.
    expect(v1.frames.filter((f) => f.type === T.ONLINE_COUNT).every((f) => !f.notification!.roomSeq)).toBe(
      true,
    );
    v0.close();
    v1.close();
    await waitOnline(a.id, 0);
  }, 30_000);
});
