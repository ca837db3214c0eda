import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveroomClient, liveroom } from "../../client/index.js";
import { FakeRoom, failedResponse, flush, okResponse } from "./client-fake-room.js";

const T = liveroom.Type;

async function connected(opts: { random?: () => number; requestTimeoutMs?: number } = {}) {
  const room = new FakeRoom();
  const client = new LiveroomClient({ connector: room.connector, token: "jwt-1", ...opts });
  const hello = await client.connect();
  expect(hello.ok).toBe(true);
  return { room, client };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("requests", () => {
  it("connects with the token, AUTHs with it as seq 1, and reports the Welcome", async () => {
    const room = new FakeRoom();
    room.welcome = { role: liveroom.Role.HOST, room: { title: "Quiz night", phase: liveroom.Phase.LOBBY } };
    const client = new LiveroomClient({ connector: room.connector, token: "jwt-1" });
    const states: string[] = [];
    client.on("connection", (e) => states.push(e.state));
    const hello = await client.connect();
    expect(room.tokens).toEqual(["jwt-1"]);
    const [auth] = room.socket.frames();
    expect(auth).toMatchObject({ type: T.AUTH, seq: 1, request: { auth: { token: "jwt-1" } } });
    if (!hello.ok) throw new Error(hello.codeName);
    expect(hello.welcome.userId).toBe("u1");
    expect(hello.welcome.role).toBe(liveroom.Role.HOST);
    expect(hello.welcome.room.title).toBe("Quiz night");
    expect(hello.welcome.room.phase).toBe(liveroom.Phase.LOBBY);
    expect(hello.welcome.room.prizePoolCents).toBe(0);
    expect(hello.welcome.serverTimeMs).toBe(1000);
    expect(states).toEqual(["connecting", "open"]);
    expect(client.state).toBe("open");
  });

  it("matches concurrent requests to their responses by seq, whatever the order of the answers", async () => {
    const { room, client } = await connected();
    const a = client.answer(0, 1);
    const g = client.grab(0);
    const s = client.stats();
    await flush();
    const seqs = room.inbox.map((m) => [m.frame.type, m.frame.seq]);
    expect(seqs).toEqual([
      [T.ANSWER, 2],
      [T.GRAB, 3],
      [T.STATS, 4],
    ]);
    room.later(
      room.socket,
      okResponse(T.STATS, 4, { stats: { online: 7, currentQuestion: -1, roomSeq: 3 } }),
    );
    room.later(room.socket, okResponse(T.GRAB, 3, { grab: { rain: 0, amountCents: 123, grabbed: 1 } }));
    room.later(
      room.socket,
      okResponse(T.ANSWER, 2, { answer: { question: 0, sealed: Uint8Array.of(0x5a) } }),
    );
    expect(await a).toEqual({ ok: true, question: 0, sealed: Uint8Array.of(0x5a) });
    expect(await g).toEqual({ ok: true, rain: 0, amountCents: 123, grabbed: 1 });
    const stats = await s;
    expect(stats.ok && stats.stats).toEqual({
      phase: liveroom.Phase.CREATED,
      online: 7,
      players: 0,
      alive: 0,
      currentQuestion: -1,
      counts: [],
      roomSeq: 3,
      shards: [],
      packetsLeft: 0,
      grantedCents: 0,
      grabs: 0,
      throttled: 0,
      rain: 0,
      rainRunning: false,
      grantedPackets: 0,
      grabsPerSec: 0,
      throttlePpm: 0,
      danmakuIn: 0,
      danmakuShown: 0,
      danmakuDropped: 0,
      danmakuBlocked: 0,
      danmakuRefused: 0,
      danmakuDeleted: 0,
      likes: 0,
      gifts: 0,
      giftCoins: 0,
      pollsOpened: 0,
      pollVotes: 0,
    });
  });

  it("returns failed responses as values with the exact code, name and message", async () => {
    const { room, client } = await connected();
    room.handle = (f) =>
      f.type === T.ANSWER
        ? failedResponse(f.type, f.seq, liveroom.Code.TOO_LATE, "window closed")
        : failedResponse(f.type, f.seq, liveroom.Code.FORBIDDEN, "host only");
    expect(await client.answer(3, 0)).toEqual({
      ok: false,
      code: 212,
      codeName: "TOO_LATE",
      message: "window closed",
    });
    expect(await client.pushQuestion(0, 1500)).toEqual({
      ok: false,
      code: 107,
      codeName: "FORBIDDEN",
      message: "host only",
    });
    expect(room.socket.frames()[2]!.request!.pushQuestion).toMatchObject({ question: 0, streamTsMs: 1500 });
  });

  it("reports a success without its result as BAD_RESPONSE, and operator successes with or without stats", async () => {
    const { room, client } = await connected();
    room.handle = (f) => okResponse(f.type, f.seq);
    expect(await client.answer(0, 0)).toEqual({
      ok: false,
      code: "BAD_RESPONSE",
      codeName: "BAD_RESPONSE",
      message: "ANSWER succeeded without its result",
    });
    expect(await client.open()).toEqual({ ok: true, stats: undefined });
    expect(await client.end()).toEqual({ ok: true, stats: undefined });
  });

  it("sends any request type through request() and hands back the decoded result", async () => {
    const { room, client } = await connected();
    room.handle = (f) => okResponse(f.type, f.seq, { stats: { online: 2 } });
    const r = await client.request(T.STATS, { stats: {} });
    expect(r.ok && r.result?.kind === "stats" && r.result.stats.online).toBe(2);
    room.handle = (f) => okResponse(f.type, f.seq);
    expect(await client.request(T.OPEN, { open: {} })).toEqual({ ok: true, result: undefined });
    expect(room.socket.frames().map((f) => [f.type, f.seq, f.request?.payload])).toEqual([
      [T.AUTH, 1, "auth"],
      [T.STATS, 2, "stats"],
      [T.OPEN, 3, "open"],
    ]);
  });

  it("times out a request with no response after requestTimeoutMs", async () => {
    vi.useFakeTimers();
    const { client } = await connected({ requestTimeoutMs: 2000 });
    const r = client.answer(1, 0);
    await vi.advanceTimersByTimeAsync(1999);
    let settled = false;
    void r.then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await r).toEqual({
      ok: false,
      code: "TIMEOUT",
      codeName: "TIMEOUT",
      message: "no response to ANSWER within 2000 ms",
    });
  });

  it("ignores a late response to a timed-out request and reports a stray failure as an error event", async () => {
    vi.useFakeTimers();
    const { room, client } = await connected({ requestTimeoutMs: 100 });
    const errors: unknown[] = [];
    client.on("error", (e) => errors.push(e));
    const r = client.stats();
    await vi.advanceTimersByTimeAsync(100);
    expect((await r).ok).toBe(false);
    room.later(room.socket, okResponse(T.STATS, 2, { stats: {} }));
    room.later(room.socket, failedResponse(T.AUTH, 0, liveroom.Code.MALFORMED, "bad bytes"));
    await flush();
    expect(errors).toEqual([
      { reason: "failure for no pending request (seq 0): bad bytes", code: 102, codeName: "MALFORMED" },
    ]);
  });

  it("resolves NOT_CONNECTED before connect and DISCONNECTED when the socket drops mid-request", async () => {
    const idle = new LiveroomClient({ connector: new FakeRoom().connector, token: "t" });
    expect(await idle.answer(0, 0)).toEqual({
      ok: false,
      code: "NOT_CONNECTED",
      codeName: "NOT_CONNECTED",
      message: "not connected (idle)",
    });
    const { room, client } = await connected();
    const r = client.answer(0, 1);
    room.socket.drop();
    expect(await r).toMatchObject({ ok: false, code: "DISCONNECTED" });
    client.close();
  });

  it("fails connect with the room's code when AUTH is refused, and does not reconnect", async () => {
    const room = new FakeRoom();
    room.authFailure = liveroom.Code.TOKEN_INVALID;
    const client = new LiveroomClient({ connector: room.connector, token: "expired" });
    expect(await client.connect()).toEqual({
      ok: false,
      code: 100,
      codeName: "TOKEN_INVALID",
      message: "token rejected",
    });
    expect(client.state).toBe("closed");
    expect(room.socket.readyState).toBe(3);
    expect(room.sockets.length).toBe(1);
  });

  it("fails connect with CONNECT_FAILED when no socket can be opened", async () => {
    const room = new FakeRoom();
    room.connectFailures = 1;
    const client = new LiveroomClient({ connector: room.connector, token: "t" });
    expect(await client.connect()).toEqual({
      ok: false,
      code: "CONNECT_FAILED",
      codeName: "CONNECT_FAILED",
      message: "connection refused",
    });
    expect(client.state).toBe("closed");
  });

  it("close() resolves pending requests with CLOSED and sends nothing more", async () => {
    const { room, client } = await connected();
    const r = client.grab(0);
    client.close();
    expect(await r).toMatchObject({ ok: false, code: "CLOSED" });
    expect(room.socket.closedWith).toEqual([{ code: 1000, reason: "bye" }]);
    expect(await client.grab(0)).toMatchObject({ ok: false, code: "NOT_CONNECTED" });
    expect(client.state).toBe("closed");
  });
});

describe("grab", () => {
  it("sends a grab_id unique per client and grab", async () => {
    const { room, client } = await connected();
    const other = await connected();
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 1, amountCents: 9, grabbed: 1 } });
    other.room.handle = room.handle;
    await client.grab(1);
    await client.grab(1);
    await other.client.grab(1);
    const ids = [...room.socket.frames(), ...other.room.socket.frames()]
      .filter((f) => f.type === T.GRAB)
      .map((f) => f.request!.grab!.grabId ?? "");
    expect(ids.map((id) => id.split(".")[1])).toEqual(["1", "2", "1"]);
    expect(ids.every((id) => /^[0-9a-f]{16}\.[0-9]+$/.test(id))).toBe(true);
    expect(ids[0]!.split(".")[0]).toBe(ids[1]!.split(".")[0]);
    expect(ids[0]!.split(".")[0]).not.toBe(ids[2]!.split(".")[0]);
  });

  it("asks again under the same grab_id after the answer was lost to a reconnect", async () => {
    vi.useFakeTimers();
    const { room, client } = await connected({ random: () => 0 });
    const r = client.grab(0);
    await flush();
    room.socket.drop();
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 0, amountCents: 321, grabbed: 1 } });
    await vi.advanceTimersByTimeAsync(500);
    expect(await r).toEqual({ ok: true, rain: 0, amountCents: 321, grabbed: 1 });
    const first = room.sockets[0]!.frames().find((f) => f.type === T.GRAB)!;
    const retry = room.sockets[1]!.frames().find((f) => f.type === T.GRAB)!;
    expect(retry.request!.grab).toEqual(first.request!.grab);
    expect(retry.seq).toBe(first.seq + 2); // AUTH took the seq in between
  });

  it("retries a timed-out grab once, then reports the timeout", async () => {
    vi.useFakeTimers();
    const { room, client } = await connected({ requestTimeoutMs: 1000 });
    const r = client.grab(3);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await r).toMatchObject({ ok: false, code: "TIMEOUT" });
    const grabs = room.socket.frames().filter((f) => f.type === T.GRAB);
    expect(grabs.map((f) => f.request!.grab!.grabId)).toEqual([
      grabs[0]!.request!.grab!.grabId,
      grabs[0]!.request!.grab!.grabId,
    ]);
  });

  it("does not retry a grab the room refused", async () => {
    const { room, client } = await connected();
    room.handle = (f) => failedResponse(f.type, f.seq, liveroom.Code.CAP_REACHED, "3 already");
    expect(await client.grab(0)).toEqual({
      ok: false,
      code: 302,
      codeName: "CAP_REACHED",
      message: "3 already",
    });
    expect(room.socket.frames().filter((f) => f.type === T.GRAB).length).toBe(1);
  });
});

describe("tap throttling", () => {
  it("sends a tap with probability throttle_ppm / 1e6, using the injected random source", async () => {
    const draws = [0.1, 0.3, 0.29, 0.9];
    const { room, client } = await connected({ random: () => draws.shift()! });
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 2, amountCents: 50, grabbed: 1 } });
    room.notify(
      { rainStarted: { rain: 2, packets: 100, packetsLeft: 100, throttlePpm: 300_000 } },
      T.RAIN_STARTED,
    );
    await flush();
    expect(client.throttlePpm(2)).toBe(300_000);
    expect(await client.tap(2)).toEqual({ ok: true, rain: 2, amountCents: 50, grabbed: 1 });
    expect(await client.tap(2)).toEqual({
      ok: false,
      code: "THROTTLED_LOCALLY",
      codeName: "THROTTLED_LOCALLY",
      message: "throttle 300000 ppm for rain 2",
    });
    expect((await client.tap(2)).ok).toBe(true);
    expect((await client.tap(2)).ok).toBe(false);
    expect(room.socket.frames().filter((f) => f.type === T.GRAB).length).toBe(2);
  });

  it("follows THROTTLE updates and keeps every tap back once the rain ended", async () => {
    const { room, client } = await connected({ random: () => 0.5 });
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 0, amountCents: 1, grabbed: 1 } });
    const seen: number[] = [];
    client.on("throttle", (t) => seen.push(t.throttlePpm));
    room.notify({ rainStarted: { rain: 0, packets: 10, throttlePpm: 400_000 } }, T.RAIN_STARTED);
    await flush();
    expect((await client.tap(0)).ok).toBe(false);
    room.notify({ throttle: { rain: 0, throttlePpm: 600_000, packetsLeft: 4 } }, T.THROTTLE);
    await flush();
    expect(seen).toEqual([600_000]);
    expect((await client.tap(0)).ok).toBe(true);
    room.notify({ rainEnded: { rain: 0, packetsLeft: 0, grantedCents: 99 } }, T.RAIN_ENDED);
    await flush();
    expect(client.throttlePpm(0)).toBe(0);
    expect(await client.tap(0)).toMatchObject({ ok: false, code: "THROTTLED_LOCALLY" });
    // a rain never seen start sends every tap
    expect(client.throttlePpm(5)).toBe(1_000_000);
  });

  it("takes the running rain's throttle from the Welcome when joining mid-rain", async () => {
    const room = new FakeRoom();
    room.welcome = { room: { rain: { rain: 1, packets: 50, packetsLeft: 20, throttlePpm: 125_000 } } };
    const client = new LiveroomClient({ connector: room.connector, token: "t" });
    const hello = await client.connect();
    expect(hello.ok && hello.welcome.room.rain).toEqual({
      rain: 1,
      packets: 50,
      packetsLeft: 20,
      endsAtMs: 0,
      throttlePpm: 125_000,
      cap: 0,
      streamTsMs: 0,
    });
    expect(client.throttlePpm(1)).toBe(125_000);
    client.close();
  });
});

describe("tap at the cap", () => {
  const grabs = (room: FakeRoom) => room.socket.frames().filter((f) => f.type === T.GRAB).length;

  it("stops sending taps once the grants reach RAIN_STARTED's cap", async () => {
    const { room, client } = await connected({ random: () => 0 });
    let held = 0;
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 0, amountCents: 10, grabbed: ++held } });
    room.notify({ rainStarted: { rain: 0, packets: 100, throttlePpm: 1_000_000, cap: 3 } }, T.RAIN_STARTED);
    await flush();
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await client.tap(0));
    expect(results.map((r) => (r.ok ? r.grabbed : r.code))).toEqual([
      1,
      2,
      3,
      "CAP_REACHED_LOCALLY",
      "CAP_REACHED_LOCALLY",
      "CAP_REACHED_LOCALLY",
    ]);
    expect(results[3]).toEqual({
      ok: false,
      code: "CAP_REACHED_LOCALLY",
      codeName: "CAP_REACHED_LOCALLY",
      message: "3 packets held, the activity's cap is 3",
    });
    expect(grabs(room)).toBe(3);
  });

  it("blocks taps at once when the Welcome's grabbed is at the running rain's cap", async () => {
    const room = new FakeRoom();
    room.welcome = {
      room: { rain: { rain: 1, packets: 50, packetsLeft: 20, throttlePpm: 1_000_000, cap: 2 } },
      player: { grabbed: 2 },
    };
    const client = new LiveroomClient({ connector: room.connector, token: "t", random: () => 0 });
    expect((await client.connect()).ok).toBe(true);
    expect(await client.tap(1)).toMatchObject({ ok: false, code: "CAP_REACHED_LOCALLY" });
    expect(grabs(room)).toBe(0);
    client.close();
  });

  it("counts from the Welcome's grabbed: one grant below the cap, then no more", async () => {
    const room = new FakeRoom();
    room.welcome = {
      room: { rain: { rain: 1, packets: 50, throttlePpm: 1_000_000, cap: 3 } },
      player: { grabbed: 2 },
    };
    const client = new LiveroomClient({ connector: room.connector, token: "t", random: () => 0 });
    expect((await client.connect()).ok).toBe(true);
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 1, amountCents: 5, grabbed: 3 } });
    expect((await client.tap(1)).ok).toBe(true);
    expect(await client.tap(1)).toMatchObject({ ok: false, code: "CAP_REACHED_LOCALLY" });
    expect(grabs(room)).toBe(1);
    client.close();
  });

  it("stops sending taps after the room answers CAP_REACHED, even with no cap known", async () => {
    const { room, client } = await connected({ random: () => 0 });
    room.handle = (f) => failedResponse(f.type, f.seq, liveroom.Code.CAP_REACHED, "3 already");
    expect(await client.tap(4)).toMatchObject({ ok: false, code: 302, codeName: "CAP_REACHED" });
    expect(await client.tap(4)).toEqual({
      ok: false,
      code: "CAP_REACHED_LOCALLY",
      codeName: "CAP_REACHED_LOCALLY",
      message: "the room answered CAP_REACHED",
    });
    expect(grabs(room)).toBe(1);
  });

  it("checks the cap before the throttle draw", async () => {
    let draws = 0;
    const { room, client } = await connected({
      random: () => {
        draws++;
        return 0;
      },
    });
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 0, amountCents: 1, grabbed: 1 } });
    room.notify({ rainStarted: { rain: 0, packets: 9, throttlePpm: 500_000, cap: 1 } }, T.RAIN_STARTED);
    await flush();
    expect((await client.tap(0)).ok).toBe(true);
    expect(draws).toBe(1);
    expect(await client.tap(0)).toMatchObject({ code: "CAP_REACHED_LOCALLY" });
    expect(draws).toBe(1);
  });

  it("grab() still reaches the room at the cap", async () => {
    const { room, client } = await connected({ random: () => 0 });
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 0, amountCents: 10, grabbed: 1 } });
    room.notify({ rainStarted: { rain: 0, packets: 10, throttlePpm: 1_000_000, cap: 1 } }, T.RAIN_STARTED);
    await flush();
    expect((await client.grab(0)).ok).toBe(true);
    expect(await client.tap(0)).toMatchObject({ code: "CAP_REACHED_LOCALLY" });
    room.handle = (f) => failedResponse(f.type, f.seq, liveroom.Code.CAP_REACHED, "1 already");
    expect(await client.grab(0)).toMatchObject({ ok: false, codeName: "CAP_REACHED" });
    expect(await client.grab(0)).toMatchObject({ ok: false, codeName: "CAP_REACHED" });
    expect(grabs(room)).toBe(3);
  });

  it("holds nothing back while no cap is known (cap unset in RAIN_STARTED)", async () => {
    const { room, client } = await connected({ random: () => 0 });
    let held = 0;
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 0, amountCents: 1, grabbed: ++held } });
    room.notify({ rainStarted: { rain: 0, packets: 10, throttlePpm: 1_000_000 } }, T.RAIN_STARTED);
    await flush();
    for (let i = 0; i < 4; i++) expect((await client.tap(0)).ok).toBe(true);
    expect(grabs(room)).toBe(4);
  });

  it("takes the room's count again from the next Welcome", async () => {
    const { room, client } = await connected({ random: () => 0 });
    room.handle = (f) => failedResponse(f.type, f.seq, liveroom.Code.CAP_REACHED, "full");
    room.notify({ rainStarted: { rain: 0, packets: 10, throttlePpm: 1_000_000, cap: 2 } }, T.RAIN_STARTED);
    await flush();
    await client.tap(0);
    expect(await client.tap(0)).toMatchObject({ code: "CAP_REACHED_LOCALLY" });
    // The Welcome's count is the room's: it replaces what the client concluded.
    room.welcome = {
      room: { rain: { rain: 0, packets: 10, throttlePpm: 1_000_000, cap: 2 } },
      player: { grabbed: 1 },
    };
    expect((await client.reconnect()).ok).toBe(true);
    room.handle = (f) => okResponse(f.type, f.seq, { grab: { rain: 0, amountCents: 1, grabbed: 2 } });
    expect((await client.tap(0)).ok).toBe(true);
    expect(await client.tap(0)).toMatchObject({ code: "CAP_REACHED_LOCALLY" });
    expect(room.socket.frames().filter((f) => f.type === T.GRAB).length).toBe(1);
  });
});
