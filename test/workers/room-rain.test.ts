import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { liveroom } from "../../schema/proto";
import { redPacketKey } from "../../schema/settlement";
import { advanceClock, RawClient, roomStub, token, uniqueId } from "./support/raw-client";
import { createRainActivity, grab, rain, rainStorage, roomStats, sendWithSeq } from "./support/rain";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;

/** An opened room with a host and `n` viewers, all connected. */
async function openRoom(rains: ReturnType<typeof rain>[], n: number, grabCap = 3) {
  const activity = await createRainActivity(rains, grabCap);
  const p = uniqueId("rain");
  const host = await RawClient.join(activity.id, `${p}-host`, "host");
  const viewers = await Promise.all(
    Array.from({ length: n }, (_, i) => RawClient.join(activity.id, `${p}-v${i}`)),
  );
  expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
  const start = (r: number, streamTsMs = 0) =>
    host.request(T.START_RAIN, { startRain: { rain: r, streamTsMs } });
  return { activity, host, viewers, p, start };
}

/** The fields of a decoded message as a plain object (decoded messages keep zero defaults on the prototype). */
function rainStartedOf(s: liveroom.IRainStarted) {
  const { rain, packets, packetsLeft, throttlePpm, cap, streamTsMs } = s;
  return { rain, packets, packetsLeft, throttlePpm, cap, streamTsMs };
}

function rainEndedOf(e: liveroom.IRainEnded) {
  return { rain: e.rain, packetsLeft: e.packetsLeft, grantedCents: Number(e.grantedCents) };
}

describe("red-packet rain in the room", () => {
  it("starts a rain: RAIN_STARTED numbered, with the pool, cap, throttle and end time", async () => {
    const r0 = rain(1_000, 10, { targetTapsPerSec: 10, durationMs: 30_000 });
    const { activity, host, viewers, start } = await openRoom([r0], 3, 2);
    const before = Date.now();
    const started = await start(0, 4_321);
    expect(started.status).toBe(OK);
    expect(started.stats).toMatchObject({
      rain: 0,
      rainRunning: true,
      packetsLeft: 10,
      throttlePpm: 500_000,
    });
    const n = await viewers[0]!.waitForNotification((x) => x.rainStarted != null);
    expect(n.roomSeq).toBe(2); // ROOM_OPENED was 1
    const s = n.rainStarted!;
    // 4 sockets × 5 taps/s = 20 offered, 10 wanted: half the taps.
    expect(rainStartedOf(s)).toEqual({
      rain: 0,
      packets: 10,
      packetsLeft: 10,
      throttlePpm: 500_000,
      cap: 2,
      streamTsMs: 4_321,
    });
    expect(Number(s.endsAtMs)).toBeGreaterThanOrEqual(before + 30_000);
    expect(Number(s.endsAtMs)).toBeLessThanOrEqual(Date.now() + 30_000);
    const { runs, schedule } = await rainStorage(activity.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      rain: 0,
      phase: "running",
      cursor: 0,
      end_index: 10,
      throttle_ppm: 500_000,
    });
    expect(schedule).toEqual([{ name: "rainEnd:0", at_ms: Number(s.endsAtMs) }]);

    // Someone joining mid-rain gets the running rain in the snapshot, with the current figures.
    const lateId = uniqueId("late");
    const late = await RawClient.join(activity.id, lateId);
    const w = (await late.request(T.AUTH, { auth: { token: await token(lateId) } })).welcome!;
    expect(w.room!.rain).toMatchObject({ rain: 0, packets: 10, packetsLeft: 10, cap: 2 });
    expect(host.closed).toBeNull();
  });

  it("grants packets in index order with exact amounts, the outbox row and the player's count", async () => {
    const r0 = rain(1_000, 10);
    const amounts = rainPackets(r0);
    const { activity, viewers, start } = await openRoom([r0], 2, 2);
    const [a, b] = viewers as [RawClient, RawClient];
    expect((await start(0)).status).toBe(OK);
    const g1 = await grab(a, 0);
    const g2 = await grab(b, 0);
    const g3 = await grab(a, 0);
    expect([g1, g2, g3].map((g) => g.status)).toEqual([OK, OK, OK]);
    expect([g1.grab, g2.grab, g3.grab].map((g) => [g!.rain, Number(g!.amountCents), g!.grabbed])).toEqual([
      [0, amounts[0], 1],
      [0, amounts[1], 1],
      [0, amounts[2], 2],
    ]);
    const capped = await grab(a, 0);
    expect([capped.status, capped.code]).toEqual([0, C.CAP_REACHED]);

    const { outbox, grants, runs, parts } = await rainStorage(activity.id);
    const users = [a, b, a].map((_, i) => grants[i]!.userId);
    expect(outbox).toEqual(
      [0, 1, 2].map((i) => ({
        key: redPacketKey(activity.id, 0, i),
        kind: "red_packet",
        activityId: activity.id,
        userId: users[i],
        rain: 0,
        packetIndex: i,
        amountCents: amounts[i],
      })),
    );
    expect(runs[0]).toMatchObject({ cursor: 3 });
    expect(parts[0]).toMatchObject({
      granted_packets: 3,
      granted_cents: amounts[0]! + amounts[1]! + amounts[2]!,
    });
    const stats = await roomStats(activity.id);
    expect(stats).toMatchObject({
      packetsLeft: 7,
      grantedPackets: 3,
      grantedCents: amounts[0]! + amounts[1]! + amounts[2]!,
      grabs: 4,
      throttled: 0,
      rainRunning: true,
    });
    expect(stats.grabsPerSec).toBeGreaterThanOrEqual(0);
    expect(stats.grabsPerSec).toBeLessThanOrEqual(4);

    // The player's snapshot carries their count.
    const again = await RawClient.join(activity.id, grants[0]!.userId);
    const w = (await again.request(T.AUTH, { auth: { token: await token(grants[0]!.userId) } })).welcome!;
    expect(w.player!.grabbed).toBe(2);
  });

  it("ends the rain when the pool empties: RAIN_ENDED with nothing left and the exact total", async () => {
    const r0 = rain(77, 4);
    const { activity, viewers, start } = await openRoom([r0], 2, 3);
    const [a, b] = viewers as [RawClient, RawClient];
    expect((await start(0)).status).toBe(OK);
    for (const c of [a, b, a, b]) expect((await grab(c, 0)).status).toBe(OK);
    const ended = await a.waitForNotification((n) => n.rainEnded != null);
    expect(rainEndedOf(ended.rainEnded!)).toEqual({ rain: 0, packetsLeft: 0, grantedCents: 77 });
    // Taps still in flight on the emptied rain hear that it was all taken, not that there is no rain.
    expect((await grab(b, 0)).code).toBe(C.NONE_LEFT);
    const { runs, schedule } = await rainStorage(activity.id);
    expect(runs[0]).toMatchObject({ phase: "ended", cursor: 4, granted_cents: 77, granted_packets: 4 });
    expect(schedule).toEqual([]);
    expect(await roomStats(activity.id)).toMatchObject({
      rainRunning: false,
      packetsLeft: 0,
      grantedCents: 77,
    });
  });

  it("ends the rain on time by its alarm, with the packets left, and then refuses grabs with NO_RAIN", async () => {
    const r0 = rain(500, 50, { durationMs: 1_000 });
    const { activity, viewers, start } = await openRoom([r0], 1);
    const a = viewers[0]!;
    expect((await start(0)).status).toBe(OK);
    const g = await grab(a, 0);
    expect(g.status).toBe(OK);
    // Past the end on the room's clock; the re-armed alarm is due (the runtime may run it first).
    await advanceClock(activity.id, 1_100);
    // The room's clock decides, even before the end alarm has run.
    expect((await grab(a, 0)).code).toBe(C.NO_RAIN);
    await runDurableObjectAlarm(roomStub(activity.id));
    const ended = await a.waitForNotification((n) => n.rainEnded != null);
    expect(rainEndedOf(ended.rainEnded!)).toEqual({
      rain: 0,
      packetsLeft: 49,
      grantedCents: Number(g.grab!.amountCents),
    });
    const { runs, schedule } = await rainStorage(activity.id);
    expect(runs[0]).toMatchObject({ phase: "ended", cursor: 1 });
    expect(schedule).toEqual([]);
    // A second alarm run (alarms fire at least once) announces nothing twice.
    await runDurableObjectAlarm(roomStub(activity.id));
    await a.flush();
    expect(a.notifications().filter((n) => n.rainEnded != null)).toHaveLength(1);
  });
});

describe("eliminated players", () => {
  it("grab like everyone else: spectators keep tapping", async () => {
    const r0 = rain(100, 5);
    const { activity, host, viewers, start } = await openRoom([r0], 2);
    const [right, wrong] = viewers as [RawClient, RawClient];
    expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 0 } })).status).toBe(OK);
    expect((await right.answer(0, 0)).status).toBe(OK);
    expect((await wrong.answer(0, 1)).status).toBe(OK); // wrong, no revival card: out
    expect((await host.request(T.REVEAL, { reveal: { question: 0 } })).status).toBe(OK);
    expect((await start(0)).status).toBe(OK);
    const g = await grab(wrong, 0);
    expect([g.status, Number(g.grab!.amountCents), g.grab!.grabbed]).toEqual([OK, rainPackets(r0)[0], 1]);
    expect((await roomStats(activity.id)).alive).toBe(1);
  });
});

describe("a retried grab", () => {
  it("gets the first answer back, by grab id or by seq, across a reconnect, and no second packet", async () => {
    const r0 = rain(1_000, 10);
    const amounts = rainPackets(r0);
    const { activity, viewers, p, start } = await openRoom([r0], 1, 3);
    const a = viewers[0]!;
    expect((await start(0)).status).toBe(OK);

    const first = await grab(a, 0, "tap-1");
    expect(first.grab).toMatchObject({ rain: 0, grabbed: 1 });
    const retry = await grab(a, 0, "tap-1");
    expect(liveroom.Response.encode(retry).finish()).toEqual(liveroom.Response.encode(first).finish());

    // By seq, when no grab id is sent: the same frame twice.
    const frame = { type: T.GRAB, seq: 900, request: { grab: { rain: 0 } } };
    const bySeq = await sendWithSeq(a, frame);
    const bySeqAgain = await sendWithSeq(a, frame);
    expect(bySeq.grab).toMatchObject({ rain: 0, grabbed: 2 });
    expect(liveroom.Response.encode(bySeqAgain).finish()).toEqual(liveroom.Response.encode(bySeq).finish());
    // Grab id "900" and seq 900 are different grabs.
    const other = await grab(a, 0, "900");
    expect(other.grab).toMatchObject({ grabbed: 3 });

    // After a reconnect the same grab id still gets its first answer, even at the cap.
    a.close();
    const back = await RawClient.join(activity.id, `${p}-v0`);
    const afterReconnect = await grab(back, 0, "tap-1");
    expect(liveroom.Response.encode(afterReconnect).finish()).toEqual(
      liveroom.Response.encode(first).finish(),
    );
    expect((await grab(back, 0, "tap-2")).code).toBe(C.CAP_REACHED);

    const { grants, outbox } = await rainStorage(activity.id);
    expect(grants.map((g) => [g.packetIndex, g.replayId, g.amountCents, g.grabbed])).toEqual([
      [0, "g:tap-1", amounts[0], 1],
      [1, "s:900", amounts[1], 2],
      [2, "g:900", amounts[2], 3],
    ]);
    expect(outbox.map((o) => [o.packetIndex, o.amountCents])).toEqual([
      [0, amounts[0]],
      [1, amounts[1]],
      [2, amounts[2]],
    ]);
    expect(Number(first.grab!.amountCents)).toBe(amounts[0]);
  });
});

describe("the room evicted mid-rain", () => {
  it("keeps the pool cursor, the grants, the caps and the outbox exactly, and keeps granting", async () => {
    const r0 = rain(2_000, 20);
    const amounts = rainPackets(r0);
    const { activity, viewers, start } = await openRoom([r0], 4, 2);
    const [a, b, c, d] = viewers as [RawClient, RawClient, RawClient, RawClient];
    expect((await start(0)).status).toBe(OK);
    for (const x of [a, a, b, c]) expect((await grab(x, 0)).status).toBe(OK);
    expect((await grab(a, 0)).code).toBe(C.CAP_REACHED);
    const bFirst = await grab(b, 0, "b-keep");
    expect(bFirst.grab!.grabbed).toBe(2);
    const before = await rainStorage(activity.id);
    expect(before.runs[0]).toMatchObject({ cursor: 5 });
    expect(before.parts[0]).toMatchObject({ granted_packets: 5 });

    await evictDurableObject(roomStub(activity.id));
    expect(await rainStorage(activity.id)).toEqual(before);

    // The same sockets keep working: the caps hold, retries replay, the pool continues at packet 5.
    expect((await grab(a, 0)).code).toBe(C.CAP_REACHED);
    expect((await grab(b, 0)).code).toBe(C.CAP_REACHED);
    const replay = await grab(b, 0, "b-keep");
    expect(liveroom.Response.encode(replay).finish()).toEqual(liveroom.Response.encode(bFirst).finish());
    const next = await grab(d, 0);
    expect(next.grab).toMatchObject({ rain: 0, grabbed: 1 });
    expect(Number(next.grab!.amountCents)).toBe(amounts[5]);

    const after = await rainStorage(activity.id);
    expect(after.grants.slice(0, 5)).toEqual(before.grants);
    expect(after.outbox.slice(0, 5)).toEqual(before.outbox);
    expect(after.grants.map((g) => g.packetIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(after.outbox.map((o) => o.key)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => redPacketKey(activity.id, 0, i)),
    );
    expect(after.runs[0]).toMatchObject({ phase: "running", cursor: 6 });
    expect(after.parts[0]).toMatchObject({ granted_packets: 6 });
    expect(after.schedule).toEqual(before.schedule);
    const total = amounts.slice(0, 6).reduce((s, x) => s + x, 0);
    expect(await roomStats(activity.id)).toMatchObject({
      packetsLeft: 14,
      grantedPackets: 6,
      grantedCents: total,
    });
  });
});
