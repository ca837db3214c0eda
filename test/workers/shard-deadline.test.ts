// A room split into shards when a shard is slow rather than gone (DESIGN §8, docs/scale.md): a
// gather waits GATHER_DEADLINE_MS for each shard, then refuses (never answers from part of the room);
// a shard's call to the coordinator that fails is sent again and counted once; an operator's step is
// answered with stats rows of the last second instead of a call to every shard.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { CATCHUP_RETRY_MS, GATHER_DEADLINE_MS } from "../../durable-objects/kernel/shard-net";
import { HEARTBEAT_TEXT } from "../../durable-objects/protocol/decode";
import { liveroom } from "../../schema/proto";
import { control } from "./support/game";
import {
  advanceClock,
  createActivity,
  RawClient,
  roomStub,
  shardStub,
  uniqueId,
  usersByShard,
} from "./support/raw-client";

const T = liveroom.Type;
const OK = liveroom.Status.OK;
const C = liveroom.Code;
const N = 3;

const codeOf = (r: liveroom.Response) => (r.status === OK ? "OK" : (C[r.code ?? 0] ?? String(r.code)));

const numbered = (c: RawClient) =>
  c.frames
    .filter((f) => (f.notification?.roomSeq ?? 0) > 0)
    .map((f): [number, number] => [f.notification!.roomSeq!, f.type]);

async function stats(activityId: string) {
  const r = await roomStub(activityId).control(activityId, { kind: "stats" });
  if (!r.ok) throw new Error(`stats: ${r.codeName}`);
  return r.stats;
}

async function threeShardRoom() {
  const activity = await createActivity({
    questions: [
      { text: "q0", options: ["a", "b"], correct: 1 },
      { text: "q1", options: ["a", "b"], correct: 0 },
    ],
    answerWindowMs: 30_000,
    shards: N,
  });
  const a = activity.id;
  const users = usersByShard(uniqueId("dl"), N, 1).map(([u]) => u!);
  const clients = await Promise.all(users.map((u) => RawClient.join(a, u)));
  await vi.waitUntil(async () => (await stats(a)).online === N, { timeout: 10_000 });
  return { a, users, clients };
}

describe("a slow shard", () => {
  it("holds a reveal no longer than the gather deadline: refused SHARD_UNAVAILABLE, nothing revealed; the retry is exact", async () => {
    const { a, clients } = await threeShardRoom();
    await control(a, { kind: "open" });
    await control(a, { kind: "push", question: 0, streamTsMs: 0 });
    await vi.waitUntil(() => clients.every((c) => numbered(c).length === 2), { timeout: 10_000 });
    expect(codeOf(await clients[0]!.answer(0, 1))).toBe("OK");
    expect(codeOf(await clients[1]!.answer(0, 1))).toBe("OK");
    expect(codeOf(await clients[2]!.answer(0, 0))).toBe("OK");

    // Shard 2 answers the reveal's gather only after the deadline.
    await shardStub(a, 2).failNextCall("stall", "quiz.close");
    const started = Date.now();
    const refused = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(GATHER_DEADLINE_MS);
    expect(refused).toMatchObject({ ok: false, codeName: "SHARD_UNAVAILABLE" });
    expect(await shardStub(a, 2).faultsArmed()).toBe(0);
    // Let the late call finish on shard 2 (it closes the question there, as a retry would).
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await stats(a)).toMatchObject({ phase: "asking", currentQuestion: 0, counts: [1, 2] });
    for (const c of clients) await c.flush();
    for (const c of clients)
      expect(numbered(c)).toEqual([
        [1, T.ROOM_OPENED],
        [2, T.QUESTION],
      ]);

    const revealed = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(revealed.ok && revealed.stats.counts).toEqual([1, 2]);
    await vi.waitUntil(() => clients.every((c) => numbered(c).length === 3), { timeout: 10_000 });
    for (const c of clients) {
      expect(numbered(c).map(([s]) => s)).toEqual([1, 2, 3]);
      expect(c.notifications().find((n) => n.reveal != null)!.reveal!.counts).toEqual([1, 2]);
    }
    for (const c of clients) c.close();
    await vi.waitUntil(async () => (await stats(a)).online === 0, { timeout: 10_000 });
  }, 30_000);
});

describe("a shard's call to the coordinator failing once", () => {
  it("sends the danmaku batch again: shown once, counted once", async () => {
    const { a, users, clients } = await threeShardRoom();
    await control(a, { kind: "open" });
    await roomStub(a).failNextCall("roomOp", "danmaku.accept");
    const sent = await clients[1]!.request(T.DANMAKU, {
      danmaku: { text: "hello from shard 1", streamTsMs: 0 },
    });
    expect(codeOf(sent)).toBe("OK");
    // Ticks and forwards come as the room's clock moves (the alarms the move made due run meanwhile).
    let s = await stats(a);
    for (let step = 0; step < 40 && s.danmakuShown === 0; step++) {
      await advanceClock(a, 200);
      s = await stats(a);
    }
    // The batch's first call was refused, the resend accepted.
    expect(await roomStub(a).faultsArmed()).toBe(0);
    expect(s).toMatchObject({ danmakuIn: 1, danmakuShown: 1, danmakuDropped: 0 });
    for (const c of clients) await c.flush();
    for (const c of clients) {
      const shown = c.frames
        .filter((f) => f.type === T.DANMAKU_TICK)
        .flatMap((f) => f.notification!.danmakuTick!.items!);
      expect(shown.map((d) => [d.userId, d.text])).toEqual([[users[1], "hello from shard 1"]]);
    }
    for (const c of clients) c.close();
    await vi.waitUntil(async () => (await stats(a)).online === 0, { timeout: 10_000 });
  }, 30_000);
});

describe("the stats in an operator's step", () => {
  it("ride on the step's deliveries (no call more); a gather that fails falls back to the last rows; STATS asks every shard", async () => {
    const { a, clients } = await threeShardRoom();
    await control(a, { kind: "open" });
    expect((await stats(a)).shards.map((r) => r.online)).toEqual([1, 1, 1]);

    // Shard 1 would fail a figures call: a push and a reveal never make one, their deliveries carry the rows.
    await shardStub(a, 1).failNextCall("op", "kernel.figures");
    const pushed = await roomStub(a).control(a, { kind: "push", question: 0, streamTsMs: 0 });
    expect(pushed.ok && pushed.stats.shards.map((r) => [r.online, r.roomSeq])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    await vi.waitUntil(() => clients.every((c) => numbered(c).length === 2), { timeout: 10_000 });
    expect(codeOf(await clients[1]!.answer(0, 1))).toBe("OK");
    const revealed = await roomStub(a).control(a, { kind: "reveal", question: 0, streamTsMs: 0 });
    expect(revealed.ok && revealed.stats.counts).toEqual([0, 1]);
    expect(revealed.ok && revealed.stats.shards.map((r) => [r.answers, r.roomSeq])).toEqual([
      [0, 3],
      [1, 3],
      [0, 3],
    ]);
    expect(await shardStub(a, 1).faultsArmed()).toBe(1);

    // An explicit STATS never answers from old rows: refused while a shard does not report.
    expect(await roomStub(a).control(a, { kind: "stats" })).toMatchObject({
      ok: false,
      codeName: "SHARD_UNAVAILABLE",
    });
    expect(await shardStub(a, 1).faultsArmed()).toBe(0);

    // Shard 2 misses the next push's delivery and fails the figures call that follows: the push is
    // still answered, with shard 2's row as it last reported (sequence 3); the catch-up task heals it.
    // (The catch-up tasks of the last steps run first and report rows; then those rows grow old.)
    await advanceClock(a, CATCHUP_RETRY_MS);
    await runDurableObjectAlarm(roomStub(a));
    await advanceClock(a, 1_000);
    for (const c of clients) c.sendRaw(HEARTBEAT_TEXT);
    await shardStub(a, 2).failNextCall("deliver");
    await shardStub(a, 2).failNextCall("op", "kernel.figures");
    const next = await roomStub(a).control(a, { kind: "push", question: 1, streamTsMs: 0 });
    expect(next.ok && next.stats.shards.map((r) => r.roomSeq)).toEqual([4, 4, 3]);
    expect(await shardStub(a, 2).faultsArmed()).toBe(0);
    await advanceClock(a, CATCHUP_RETRY_MS);
    await runDurableObjectAlarm(roomStub(a));
    await vi.waitUntil(() => clients.every((c) => numbered(c).length === 4), { timeout: 10_000 });
    expect((await stats(a)).shards.map((r) => r.roomSeq)).toEqual([4, 4, 4]);
    for (const c of clients) c.close();
    await vi.waitUntil(async () => (await stats(a)).online === 0, { timeout: 10_000 });
  }, 30_000);
});
