// A tap storm through real sockets in the Workers runtime: more taps than packets, all at once.
import { describe, expect, it, vi } from "vitest";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { shouldResend, throttlePpm } from "../../durable-objects/features/rain/throttle";
import { liveroom } from "../../schema/proto";
import { redPacketKey } from "../../schema/settlement";
import { RawClient, roomStub, uniqueId } from "./support/raw-client";
import { createRainActivity, rain, rainStorage, roomStats } from "./support/rain";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;

const PLAYERS = 200;
const CAP = 3;

interface Tap {
  userId: string;
  res: liveroom.Response;
}

/** A room with `PLAYERS` viewers and a host, a rain started, and every viewer tapping `taps` times at once. */
async function storm(totalCents: number, packets: number, targetTapsPerSec: number, taps: number) {
  const r0 = rain(totalCents, packets, { targetTapsPerSec, seed: "storm" });
  const activity = await createRainActivity([r0], CAP);
  const p = uniqueId("storm");
  const host = await RawClient.join(activity.id, `${p}-host`, "host");
  const ids = Array.from({ length: PLAYERS }, (_, i) => `${p}-${String(i).padStart(3, "0")}`);
  const viewers = await Promise.all(ids.map((id) => RawClient.join(activity.id, id)));
  expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
  expect((await host.request(T.START_RAIN, { startRain: { rain: 0 } })).status).toBe(OK);
  await Promise.all(viewers.map((v) => v.waitForNotification((n) => n.rainStarted != null)));
  // The room's clock stands still during the storm: the bucket refills only as the test says, whatever the load.
  await roomStub(activity.id).holdClock(true);

  // Every frame goes out before any answer is awaited; one poll then waits for all the answers.
  const seqs = Array.from({ length: taps }, (_, k) => 10_000 + k);
  const t0 = Date.now();
  for (const v of viewers) {
    for (const seq of seqs)
      v.sendRaw(liveroom.Frame.encode({ type: T.GRAB, seq, request: { grab: { rain: 0 } } }).finish());
  }
  const answered = (v: RawClient) => v.frames.filter((f) => f.response && f.seq >= 10_000).length;
  await vi.waitUntil(() => viewers.every((v) => answered(v) === taps), { timeout: 30_000, interval: 5 });
  const results = viewers.map((v, i) =>
    seqs.map(
      (seq): Tap => ({
        userId: ids[i]!,
        res: v.frames.find((f) => f.response && f.seq === seq)!.response as liveroom.Response,
      }),
    ),
  );
  const elapsedMs = Date.now() - t0;
  return { r0, activity, host, viewers, ids, taps: results.flat(), elapsedMs };
}

function tally(taps: Tap[]) {
  const byCode = new Map<number, number>();
  for (const t of taps) {
    const key = t.res.status === OK ? 0 : t.res.code;
    byCode.set(key, (byCode.get(key) ?? 0) + 1);
  }
  return byCode;
}

/** The invariants every storm must keep, checked against the replies and the room's storage. */
async function checkMoney(run: Awaited<ReturnType<typeof storm>>) {
  const { r0, activity, taps } = run;
  const pool = rainPackets(r0);
  const grants = taps.filter((t) => t.res.status === OK);
  const { grants: stored, outbox, runs, parts } = await rainStorage(activity.id);

  // No packet granted twice, in index order from 0, and never above the pool.
  expect(stored.map((g) => g.packetIndex)).toEqual(grants.map((_, i) => i));
  expect(grants.length).toBeLessThanOrEqual(r0.count);
  // Every grant in the outbox exactly once, with the amount of its packet (derived from the seed).
  expect(outbox.map((o) => o.key)).toEqual(stored.map((g) => redPacketKey(activity.id, 0, g.packetIndex)));
  expect(new Set(outbox.map((o) => o.key)).size).toBe(outbox.length);
  for (const [i, o] of outbox.entries()) {
    expect(o).toEqual({
      key: redPacketKey(activity.id, 0, i),
      kind: "red_packet",
      activityId: activity.id,
      userId: stored[i]!.userId,
      rain: 0,
      packetIndex: i,
      amountCents: pool[i],
    });
  }
  // The replies say exactly what the outbox says, player by player.
  const replied = new Map<string, number[]>();
  for (const g of grants)
    replied.set(g.userId, [...(replied.get(g.userId) ?? []), Number(g.res.grab!.amountCents)]);
  const recorded = new Map<string, number[]>();
  for (const o of outbox) recorded.set(o.userId, [...(recorded.get(o.userId) ?? []), o.amountCents]);
  const sorted = (m: Map<string, number[]>) =>
    [...m.entries()]
      .map(([u, a]) => [u, [...a].sort((x, y) => x - y)])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
  expect(sorted(replied)).toEqual(sorted(recorded));
  // No player above the cap, and each player's `grabbed` answers count 1, 2, 3 in some order.
  for (const [userId, amounts] of replied) {
    expect(amounts.length).toBeLessThanOrEqual(CAP);
    const counts = grants.filter((g) => g.userId === userId).map((g) => g.res.grab!.grabbed);
    expect([...counts].sort()).toEqual(amounts.map((_, i) => i + 1));
  }
  // Granted total = the sum of the grants = the sum of their packets.
  const sum = grants.reduce((s, g) => s + Number(g.res.grab!.amountCents), 0);
  const packetSum = pool.slice(0, grants.length).reduce((s, x) => s + x, 0);
  expect(sum).toBe(packetSum);
  expect(runs[0]).toMatchObject({ cursor: grants.length });
  expect(parts[0]).toMatchObject({ granted_packets: grants.length, granted_cents: sum });
  return { granted: grants.length, sum, perPlayer: new Map([...replied].map(([u, a]) => [u, a.length])) };
}

describe("a tap storm on one rain", () => {
  it(`${PLAYERS} sockets × 5 taps on 450 packets: every packet once, caps kept, outbox exact`, async () => {
    const PACKETS = 450;
    const TOTAL_CENTS = 123_456;
    const run = await storm(TOTAL_CENTS, PACKETS, 1000, 5);
    const { taps, activity, viewers, r0 } = run;
    expect(taps).toHaveLength(PLAYERS * 5);
    const { granted, sum, perPlayer } = await checkMoney(run);
    // The bucket (1,000 tokens) is wide enough: the pool empties, nothing is rate limited.
    expect(granted).toBe(PACKETS);
    expect(sum).toBe(TOTAL_CENTS);
    // 450 packets, at most 3 each among 200 players: at least 50 players are at the cap.
    expect([...perPlayer.values()].filter((n) => n === CAP).length).toBeGreaterThanOrEqual(50);
    const codes = tally(taps);
    expect(codes.get(C.RATE_LIMITED) ?? 0).toBe(0);
    expect(codes.get(C.NO_RAIN) ?? 0).toBe(0);
    expect((codes.get(0) ?? 0) + (codes.get(C.NONE_LEFT) ?? 0) + (codes.get(C.CAP_REACHED) ?? 0)).toBe(
      PLAYERS * 5,
    );

    const stats = await roomStats(activity.id);
    // 1,000 taps, averaged over a 5 s window that holds some or all of them.
    expect(stats.grabsPerSec).toBeGreaterThan(0);
    expect(stats.grabsPerSec).toBeLessThanOrEqual(200);
    expect(stats).toMatchObject({
      rain: 0,
      rainRunning: false,
      packetsLeft: 0,
      grantedPackets: PACKETS,
      grantedCents: TOTAL_CENTS,
      grabs: PLAYERS * 5,
      throttled: 0,
    });
    const ended = await viewers[0]!.waitForNotification((n) => n.rainEnded != null);
    expect([
      ended.rainEnded!.rain,
      ended.rainEnded!.packetsLeft,
      Number(ended.rainEnded!.grantedCents),
    ]).toEqual([0, 0, TOTAL_CENTS]);

    // THROTTLE frames only when the factor moved enough: exactly the sequence the rule gives for
    // 201 sockets and the pool draining one packet per grant — a handful, not one per tap.
    const expected: [number, number][] = [];
    let last = throttlePpm({
      online: PLAYERS + 1,
      packetsLeft: PACKETS,
      targetTapsPerSec: r0.targetTapsPerSec,
    });
    for (let left = PACKETS - 1; left >= 1; left--) {
      const ppm = throttlePpm({
        online: PLAYERS + 1,
        packetsLeft: left,
        targetTapsPerSec: r0.targetTapsPerSec,
      });
      if (shouldResend(last, ppm)) {
        expected.push([ppm, left]);
        last = ppm;
      }
    }
    const throttles = viewers[0]!
      .notifications()
      .filter((n) => n.throttle != null)
      .map((n) => [n.throttle!.throttlePpm, n.throttle!.packetsLeft]);
    expect(throttles).toEqual(expected);
    expect(throttles.length).toBeLessThan(20);
    console.log(
      `storm: ${taps.length} taps from ${PLAYERS} sockets in ${run.elapsedMs} ms; ${granted} granted (${sum} cents), ` +
        `${codes.get(C.CAP_REACHED) ?? 0} CAP_REACHED, ${codes.get(C.NONE_LEFT) ?? 0} NONE_LEFT, ${throttles.length} THROTTLE frames`,
    );
  }, 60_000);

  it("with a narrow bucket: the refused taps are RATE_LIMITED, counted as throttled, and the money still exact", async () => {
    // 50 tokens, refilled at 50/s of the room's (held) clock: 600 simultaneous taps on 150 packets.
    const run = await storm(10_000, 150, 50, 3);
    const { taps, activity } = run;
    const { granted } = await checkMoney(run);
    const codes = tally(taps);
    const limited = codes.get(C.RATE_LIMITED) ?? 0;
    expect(limited).toBeGreaterThan(0);
    // The room's clock is held: exactly the bucket's 50 tokens, none refilled.
    expect(granted).toBe(50);
    expect(granted + limited + (codes.get(C.CAP_REACHED) ?? 0) + (codes.get(C.NONE_LEFT) ?? 0)).toBe(
      PLAYERS * 3,
    );
    expect(await roomStats(activity.id)).toMatchObject({
      grantedPackets: granted,
      packetsLeft: 150 - granted,
      grabs: PLAYERS * 3,
      throttled: limited,
    });
    console.log(
      `narrow storm: ${taps.length} taps in ${run.elapsedMs} ms; ${granted} granted, ${limited} RATE_LIMITED, ` +
        `${codes.get(C.CAP_REACHED) ?? 0} CAP_REACHED`,
    );
  }, 60_000);
});
