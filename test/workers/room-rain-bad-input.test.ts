// Every refused grab and rain start, with its exact code; a refusal changes no stored state.
import { describe, expect, it, vi } from "vitest";
import { liveroom } from "../../schema/proto";
import { activityBody, call, tokenFor } from "./http-helpers";
import { advanceClock, RawClient, roomStub, uniqueId } from "./support/raw-client";
import { createRainActivity, grab, rain, rainStorage, roomStats } from "./support/rain";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;
const FAILED = liveroom.Status.FAILED;

async function room(rains: ReturnType<typeof rain>[], grabCap = 2, viewers = 2) {
  const activity = await createRainActivity(rains, grabCap);
  const p = uniqueId("rbad");
  const host = await RawClient.join(activity.id, `${p}-host`, "host");
  const vs = await Promise.all(
    Array.from({ length: viewers }, (_, i) => RawClient.join(activity.id, `${p}-v${i}`)),
  );
  const start = (r: number, by: RawClient = host) => by.request(T.START_RAIN, { startRain: { rain: r } });
  return { activity, host, viewers: vs, start };
}

/** Sends raw bytes and returns the next response frame. */
async function raw(client: RawClient, bytes: Uint8Array): Promise<liveroom.Response> {
  const before = client.frames.filter((f) => f.response).length;
  client.sendRaw(bytes);
  await vi.waitUntil(() => client.frames.filter((f) => f.response).length > before, { timeout: 5_000 });
  return client.frames.filter((f) => f.response).at(-1)!.response as liveroom.Response;
}

const codeOf = (r: liveroom.Response) => [r.status, r.code];

describe("refused grabs", () => {
  it("answers each bad grab with its code and changes nothing stored", async () => {
    const { activity, host, viewers, start } = await room(
      [rain(300, 3, { targetTapsPerSec: 1 }), rain(100, 2)],
      1,
      3,
    );
    const [a, b, c] = viewers as [RawClient, RawClient, RawClient];

    // No rain yet (the room is not even open): NO_RAIN.
    expect(codeOf(await grab(a, 0))).toEqual([FAILED, C.NO_RAIN]);
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    expect(codeOf(await grab(a, 0))).toEqual([FAILED, C.NO_RAIN]);
    expect((await start(0)).status).toBe(OK);

    // A grab naming another rain than the running one: NO_RAIN.
    expect(codeOf(await grab(a, 1))).toEqual([FAILED, C.NO_RAIN]);
    // Malformed: a GRAB frame carrying another payload, and a grab id over 64 characters.
    const wrongPayload = liveroom.Frame.encode({
      type: T.GRAB,
      seq: 50,
      request: { answer: { question: 0 } },
    });
    expect(codeOf(await raw(a, wrongPayload.finish()))).toEqual([FAILED, C.MALFORMED]);
    const longId = liveroom.Frame.encode({
      type: T.GRAB,
      seq: 51,
      request: { grab: { rain: 0, grabId: "x".repeat(65) } },
    });
    expect(codeOf(await raw(a, longId.finish()))).toEqual([FAILED, C.MALFORMED]);
    const noPayload = liveroom.Frame.encode({ type: T.GRAB, seq: 52, request: {} });
    expect(codeOf(await raw(a, noPayload.finish()))).toEqual([FAILED, C.MALFORMED]);

    // The bucket holds one token (target 1 tap/s): the first grab takes it, the next is RATE_LIMITED.
    const first = await grab(a, 0);
    expect(first.status).toBe(OK);
    const before = await rainStorage(activity.id);
    expect(codeOf(await grab(b, 0))).toEqual([FAILED, C.RATE_LIMITED]);
    // Beyond the cap (1 per activity here), checked before the bucket: CAP_REACHED.
    expect(codeOf(await grab(a, 0))).toEqual([FAILED, C.CAP_REACHED]);
    expect(await rainStorage(activity.id)).toEqual(before);
    const stats = await roomStats(activity.id);
    expect(stats).toMatchObject({ throttled: 1, grantedPackets: 1, packetsLeft: 2 });

    // A token refills after a second (of the room's clock); b and c take the last two packets; then the pool is empty.
    await advanceClock(activity.id, 1_050);
    expect((await grab(b, 0)).status).toBe(OK);
    await advanceClock(activity.id, 1_050);
    expect((await grab(c, 0)).status).toBe(OK);
    const emptied = await rainStorage(activity.id);
    expect(emptied.runs[0]).toMatchObject({ phase: "ended", cursor: 3, granted_cents: 300 });
    // Pool empty (checked before the cap): NONE_LEFT, for everyone.
    expect(codeOf(await grab(a, 0))).toEqual([FAILED, C.NONE_LEFT]);
    const d = await RawClient.join(activity.id, uniqueId("rbad-d"));
    expect(codeOf(await grab(d, 0))).toEqual([FAILED, C.NONE_LEFT]);
    expect(await rainStorage(activity.id)).toEqual(emptied);
  }, 20_000);

  it("after a rain ran out of time: NO_RAIN", async () => {
    const { activity, host, viewers, start } = await room([rain(1000, 10, { durationMs: 500 })]);
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    expect((await start(0)).status).toBe(OK);
    expect((await grab(viewers[0]!, 0)).status).toBe(OK);
    await advanceClock(activity.id, 600);
    expect(codeOf(await grab(viewers[1]!, 0))).toEqual([FAILED, C.NO_RAIN]);
  });

  it("a grab before auth: NOT_AUTHENTICATED", async () => {
    const { activity } = await room([rain(100, 1)]);
    const anon = await RawClient.join(activity.id, null);
    expect(codeOf(await grab(anon, 0))).toEqual([FAILED, C.NOT_AUTHENTICATED]);
  });
});

describe("refused rain starts", () => {
  it("answers each bad start with its code, by host frame and by control, and changes nothing", async () => {
    const { activity, host, viewers, start } = await room([rain(100, 2), rain(50, 5)]);
    const control = (r: number) =>
      roomStub(activity.id).control(activity.id, { kind: "startRain", rain: r, streamTsMs: 0 });

    expect(codeOf(await start(0))).toEqual([FAILED, C.NOT_ALLOWED_NOW]); // before OPEN
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    expect(codeOf(await start(2))).toEqual([FAILED, C.UNKNOWN_RAIN]);
    expect(await control(7)).toMatchObject({ ok: false, code: C.UNKNOWN_RAIN, codeName: "UNKNOWN_RAIN" });
    expect(codeOf(await start(0, viewers[0]))).toEqual([FAILED, C.FORBIDDEN]);
    expect((await rainStorage(activity.id)).runs).toEqual([]);

    expect((await start(0)).status).toBe(OK);
    const running = await rainStorage(activity.id);
    expect(codeOf(await start(0))).toEqual([FAILED, C.RAIN_ALREADY_STARTED]);
    expect(await control(0)).toMatchObject({ ok: false, codeName: "RAIN_ALREADY_STARTED" });
    expect(codeOf(await start(1))).toEqual([FAILED, C.NOT_ALLOWED_NOW]); // another rain is running
    expect(await rainStorage(activity.id)).toEqual(running);
    // Only one RAIN_STARTED went out.
    expect(viewers[0]!.notifications().filter((n) => n.rainStarted != null)).toHaveLength(1);
  });

  it("over HTTP: 200 with the rain's stats, then 409 with the room's code name", async () => {
    const id = uniqueId("rhttp");
    const admin = await tokenFor("admin");
    expect(
      (await call("POST", "/api/admin/activities", { token: admin, body: activityBody(id) })).status,
    ).toBe(201);
    // A host token operates only the activity it hosts (docs/security.md).
    const hostId = uniqueId("host");
    await call("PUT", `/api/admin/activities/${id}/host`, { token: admin, body: { hostId } });
    const host = await tokenFor("host", { sub: hostId });
    const post = <B>(path: string) =>
      call<B>("POST", `/api/rooms/${id}${path}`, { token: host, body: { streamTsMs: 7 } });
    type Err = { error: { code: string } };

    const early = await post<Err>("/rains/0/start");
    expect([early.status, early.body.error.code]).toEqual([409, "NOT_ALLOWED_NOW"]);
    expect((await post("/open")).status).toBe(200);
    const started = await post<{ stats: Record<string, unknown> }>("/rains/0/start");
    expect(started.status).toBe(200);
    // activityBody's rain: 5,000 cents in 100 packets.
    expect(started.body.stats).toMatchObject({
      rain: 0,
      rainRunning: true,
      packetsLeft: 100,
      grantedCents: 0,
    });
    const twice = await post<Err>("/rains/0/start");
    expect([twice.status, twice.body.error.code]).toEqual([409, "RAIN_ALREADY_STARTED"]);
    const unknown = await post<Err>("/rains/3/start");
    expect([unknown.status, unknown.body.error.code]).toEqual([409, "UNKNOWN_RAIN"]);
    const stats = await call<{ stats: Record<string, unknown> }>("GET", `/api/rooms/${id}/stats`, {
      token: host,
    });
    expect(stats.body.stats).toMatchObject({
      rain: 0,
      packetsLeft: 100,
      grabs: 0,
      throttled: 0,
      grabsPerSec: 0,
    });
  });
});
