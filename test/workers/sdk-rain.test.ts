// The SDK's tap() against the real room: it sends exactly the share of taps the room's throttle
// factor asks for, follows THROTTLE updates and stops at RAIN_ENDED.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { fetchConnector, LiveroomClient } from "../../client/index";
import type { LiveRoom } from "../../durable-objects/live-room";
import { seededRng } from "../../durable-objects/features/rain/prng";
import { advanceClock, hostActivity, RawClient, roomStub, token, uniqueId } from "./support/raw-client";
import { createRainActivity, rain, rainStorage, roomStats } from "./support/rain";

const fetcher = (url: string, init: RequestInit) => exports.default.fetch(url, init);
const clients: LiveroomClient[] = [];
const raws: RawClient[] = [];

async function join(activityId: string, userId: string, role: "viewer" | "host", random?: () => number) {
  if (role === "host") await hostActivity(activityId, userId);
  const client = new LiveroomClient({
    token: await token(userId, role),
    connector: fetchConnector("http://liveroom.test", activityId, fetcher),
    ...(random === undefined ? {} : { random }),
  });
  clients.push(client);
  expect((await client.connect()).ok).toBe(true);
  return client;
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const r of raws.splice(0)) r.close();
});

describe("the SDK's tap() and the room's throttle", () => {
  it("sends a tap only when random × 1e6 < the factor, follows THROTTLE, and stops at RAIN_ENDED", async () => {
    // 10 taps/s wanted; the pool (200) is large enough that only the online count moves the factor.
    const activity = await createRainActivity([rain(2_000, 200, { targetTapsPerSec: 10 })], 100);
    const p = uniqueId("sdkrain");
    let next: number[] = [];
    const rng = seededRng("sdk-rain");
    let seeded = false;
    const random = () => (seeded ? rng() / 2 ** 32 : (next.shift() ?? 0.5));
    const host = await join(activity.id, `${p}-host`, "host");
    const viewer = await join(activity.id, `${p}-v`, "viewer", random);
    for (let i = 0; i < 2; i++) raws.push(await RawClient.join(activity.id, `${p}-raw${i}`));

    // 4 sockets × 5 taps/s = 20 offered for 10 wanted: 500,000 ppm.
    expect((await host.open()).ok).toBe(true);
    const started = viewer.next("rainStarted");
    expect((await host.startRain(0, 0)).ok).toBe(true);
    expect((await started).throttlePpm).toBe(500_000);
    expect(viewer.throttlePpm(0)).toBe(500_000);

    next = [0.9, 0.1, 0.6, 0.3, 0.499_999, 0.5];
    const first = [];
    for (let i = 0; i < 6; i++) first.push(await viewer.tap(0));
    expect(first.map((r) => (r.ok ? "granted" : r.code))).toEqual([
      "THROTTLED_LOCALLY",
      "granted",
      "THROTTLED_LOCALLY",
      "granted",
      "granted",
      "THROTTLED_LOCALLY",
    ]);
    expect((await roomStats(activity.id)).grabs).toBe(3);
    // The SDK sent its grab ids; the room keyed the grants by them.
    expect((await rainStorage(activity.id)).grants.map((g) => g.replayId.slice(0, 2))).toEqual([
      "g:",
      "g:",
      "g:",
    ]);

    // Four more viewers: 5, 6, 7, 8 sockets give 400,000, 333,333, 285,714, 250,000 ppm; only the
    // changes of 25 % or more against the last one sent go out.
    const throttles: number[] = [];
    viewer.on("throttle", (t) => throttles.push(t.throttlePpm));
    for (let i = 2; i < 6; i++) raws.push(await RawClient.join(activity.id, `${p}-raw${i}`));
    await expect.poll(() => throttles).toEqual([400_000, 285_714]);
    expect(viewer.throttlePpm(0)).toBe(285_714);
    next = [0.285_713, 0.285_714];
    const second = [await viewer.tap(0), await viewer.tap(0)];
    expect(second.map((r) => r.ok || r.code)).toEqual([true, "THROTTLED_LOCALLY"]);
    expect((await roomStats(activity.id)).grabs).toBe(4);

    // 300 taps from a seeded source: the room sees exactly the taps under the factor.
    seeded = true;
    const check = seededRng("sdk-rain");
    let expectedSent = 0;
    for (let i = 0; i < 300; i++) if ((check() / 2 ** 32) * 1e6 < 285_714) expectedSent += 1;
    // In bursts of 30 with 2 s of the room's clock between them: a fast tapper, within the socket's
    // frame budget (40 at once, then 20 a second; docs/security.md).
    const results = [];
    for (let burst = 0; burst < 10; burst++) {
      results.push(...(await Promise.all(Array.from({ length: 30 }, () => viewer.tap(0)))));
      await advanceClock(activity.id, 2_000);
    }
    const local = results.filter((r) => !r.ok && r.code === "THROTTLED_LOCALLY").length;
    expect(300 - local).toBe(expectedSent);
    expect((await roomStats(activity.id)).grabs).toBe(4 + expectedSent);
    console.log(`sdk taps at 285,714 ppm: ${expectedSent} of 300 sent`);

    // The rain's end alarm, brought forward: RAIN_ENDED sets the factor to 0 and taps stay local.
    const ended = viewer.next("rainEnded");
    await runInDurableObject(roomStub(activity.id), async (_room: LiveRoom, state) => {
      state.storage.sql.exec("UPDATE schedule SET at_ms = 0 WHERE name = 'rainEnd:0'");
      await state.storage.setAlarm(Date.now());
    });
    // The runtime may fire it first; either way it runs once.
    await runDurableObjectAlarm(roomStub(activity.id));
    await ended;
    expect(viewer.throttlePpm(0)).toBe(0);
    seeded = false;
    next = [0];
    const after = await viewer.tap(0);
    expect(after.ok || after.code).toBe("THROTTLED_LOCALLY");
    expect((await roomStats(activity.id)).grabs).toBe(4 + expectedSent);
  }, 30_000);

  it("a viewer joining mid-rain takes the factor from the snapshot", async () => {
    const activity = await createRainActivity([rain(2_000, 200, { targetTapsPerSec: 10 })], 100);
    const p = uniqueId("sdkmid");
    const host = await join(activity.id, `${p}-host`, "host");
    for (let i = 0; i < 3; i++) raws.push(await RawClient.join(activity.id, `${p}-raw${i}`));
    expect((await host.open()).ok).toBe(true);
    expect((await host.startRain(0, 0)).ok).toBe(true); // 4 sockets: 500,000 ppm
    // The fifth socket moves the factor to 400,000 (sent as THROTTLE); the snapshot has it too.
    const late = await join(activity.id, `${p}-late`, "viewer");
    expect(late.welcome!.room.rain).toMatchObject({ rain: 0, packets: 200, packetsLeft: 200 });
    expect(late.throttlePpm(0)).toBe(400_000);
  });

  it("stops sending taps at the activity's cap; grab() still reaches the room", async () => {
    const activity = await createRainActivity([rain(2_000, 200)], 2);
    const p = uniqueId("sdkcap");
    const host = await join(activity.id, `${p}-host`, "host");
    const viewer = await join(activity.id, `${p}-v`, "viewer", () => 0);
    expect((await host.open()).ok).toBe(true);
    const started = viewer.next("rainStarted");
    expect((await host.startRain(0, 0)).ok).toBe(true);
    expect((await started).cap).toBe(2);

    const taps = [];
    for (let i = 0; i < 6; i++) taps.push(await viewer.tap(0));
    expect(taps.map((r) => (r.ok ? r.grabbed : r.code))).toEqual([
      1,
      2,
      "CAP_REACHED_LOCALLY",
      "CAP_REACHED_LOCALLY",
      "CAP_REACHED_LOCALLY",
      "CAP_REACHED_LOCALLY",
    ]);
    expect((await roomStats(activity.id)).grabs).toBe(2);
    expect(await viewer.grab(0)).toMatchObject({ ok: false, codeName: "CAP_REACHED" });
    expect((await roomStats(activity.id)).grabs).toBe(3);

    // The same player on a new client, joining mid-rain: the Welcome's grabbed (2) and cap block at once.
    const again = await join(activity.id, `${p}-v`, "viewer", () => 0);
    expect(again.welcome!.player.grabbed).toBe(2);
    expect(await again.tap(0)).toMatchObject({ ok: false, code: "CAP_REACHED_LOCALLY" });
    expect((await roomStats(activity.id)).grabs).toBe(3);
  });
});
