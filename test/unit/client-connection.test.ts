import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ClientOptions, type ConnectionEvent, LiveroomClient, liveroom } from "../../client/index.js";
import { FakeRoom, flush } from "./client-fake-room.js";

const HB = "\x08\x01";

function setup(opts: Partial<ClientOptions> = {}) {
  const room = new FakeRoom();
  const client = new LiveroomClient({ connector: room.connector, token: "jwt", random: () => 0, ...opts });
  const states: ConnectionEvent[] = [];
  client.on("connection", (e) => states.push(e));
  return { room, client, states };
}

const heartbeats = (room: FakeRoom, i = 0) => room.sockets[i]!.sent.filter((d) => d === HB).length;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("heartbeat", () => {
  it("sends the two-character text frame every interval and stays up while it is answered", async () => {
    const { room, client } = setup();
    await client.connect();
    expect(heartbeats(room)).toBe(0);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(heartbeats(room)).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(heartbeats(room)).toBe(1);
    expect(room.socket.sent[1]).toBe(HB);
    expect(typeof room.socket.sent[1]).toBe("string");
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(heartbeats(room)).toBe(41);
    expect(room.sockets.length).toBe(1);
    expect(client.state).toBe("open");
    client.close();
  });

  it("declares a silent socket dead after deadAfterMs, closes it with 4000 and reconnects", async () => {
    const { room, client, states } = setup({ heartbeatIntervalMs: 1000, reconnect: { initialDelayMs: 50 } });
    await client.connect();
    room.echoHeartbeats = false;
    // default deadAfterMs: 2 × 1000 + 5000 of silence since the Welcome
    await vi.advanceTimersByTimeAsync(6_999);
    expect(room.socket.readyState).toBe(1);
    expect(heartbeats(room)).toBe(6);
    await vi.advanceTimersByTimeAsync(1);
    expect(room.sockets[0]!.closedWith).toEqual([{ code: 4000, reason: "heartbeat timeout" }]);
    expect(states.slice(2)).toEqual([
      { state: "reconnecting", reason: "heartbeat timeout", attempt: 1, delayMs: 50 },
    ]);
    room.echoHeartbeats = true;
    await vi.advanceTimersByTimeAsync(50);
    await flush();
    expect(room.sockets.length).toBe(2);
    expect(client.state).toBe("open");
    client.close();
  });

  it("any frame counts as a sign of life", async () => {
    const { room, client } = setup({ heartbeatIntervalMs: 1000, deadAfterMs: 3000 });
    await client.connect();
    room.echoHeartbeats = false;
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(2500);
      room.notify({ throttle: { rain: 0, throttlePpm: 1 } }, liveroom.Type.THROTTLE);
      await flush();
    }
    expect(room.sockets.length).toBe(1);
    expect(room.socket.readyState).toBe(1);
    client.close();
  });
});

describe("reconnect", () => {
  it("backs off exponentially with jitter from the injected random, then resumes", async () => {
    const { room, client, states } = setup({
      random: () => 0.5,
      // No spread window (the Welcome advertises none): the back-off alone.
      reconnect: { initialDelayMs: 100, factor: 2, jitter: 0.5, defaultWindowMs: 0 },
    });
    await client.connect();
    room.connectFailures = 3;
    room.socket.drop(1012);
    await vi.advanceTimersByTimeAsync(75 + 150 + 300);
    expect(room.tokens.length).toBe(4);
    expect(client.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(599);
    expect(room.tokens.length).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(client.state).toBe("open");
    expect(states).toEqual([
      { state: "connecting" },
      { state: "open" },
      { state: "reconnecting", reason: "closed (1012)", attempt: 1, delayMs: 75 },
      { state: "reconnecting", reason: "CONNECT_FAILED", attempt: 2, delayMs: 150 },
      { state: "reconnecting", reason: "CONNECT_FAILED", attempt: 3, delayMs: 300 },
      { state: "reconnecting", reason: "CONNECT_FAILED", attempt: 4, delayMs: 600 },
      { state: "open" },
    ]);
    // a successful session resets the back-off
    room.socket.drop();
    expect(states.at(-1)).toEqual({
      state: "reconnecting",
      reason: "closed (1006)",
      attempt: 1,
      delayMs: 75,
    });
    client.close();
  });

  it("gives up after maxAttempts, and never reconnects when reconnect is false", async () => {
    const { room, client, states } = setup({ reconnect: { initialDelayMs: 10, maxAttempts: 2 } });
    await client.connect();
    room.connectFailures = 5;
    room.socket.drop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(room.tokens.length).toBe(3);
    expect(states.at(-1)).toEqual({ state: "closed", reason: "CONNECT_FAILED" });

    const b = setup({ reconnect: false });
    await b.client.connect();
    b.room.socket.drop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(b.room.tokens.length).toBe(1);
    expect(b.states.at(-1)).toEqual({ state: "closed", reason: "closed (1006)" });
  });

  it("stops on TOKEN_INVALID at a reconnect; a new token and connect() start again", async () => {
    const { room, client, states } = setup({ reconnect: { initialDelayMs: 10 } });
    await client.connect();
    room.authFailure = liveroom.Code.TOKEN_INVALID;
    room.socket.drop();
    await vi.advanceTimersByTimeAsync(10);
    await flush();
    expect(states.at(-1)).toEqual({ state: "closed", reason: "TOKEN_INVALID" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(room.sockets.length).toBe(2);
    room.authFailure = undefined;
    client.setToken("fresh");
    const again = await client.connect();
    expect(again.ok).toBe(true);
    expect(room.tokens).toEqual(["jwt", "jwt", "fresh"]);
    expect(room.socket.frames()[0]!.request!.auth!.token).toBe("fresh");
    client.close();
  });

  it("reconnect() swaps the socket at once and resumes after lastRoomSeq", async () => {
    const { room, client } = setup();
    await client.connect();
    room.notify({ roomOpened: { title: "t", questionCount: 3 } }, liveroom.Type.ROOM_OPENED);
    await flush();
    room.notify({ gameOver: { winners: 0 } }, liveroom.Type.GAME_OVER, false);
    const r = await client.reconnect();
    expect(r.ok).toBe(true);
    expect(room.sockets[0]!.closedWith).toEqual([{ code: 1000, reason: "reconnect" }]);
    expect(room.socket.frames().map((f) => [f.type, f.request?.resume?.afterSeq])).toEqual([
      [liveroom.Type.AUTH, undefined],
      [liveroom.Type.RESUME, 1],
    ]);
    await flush();
    expect(client.lastRoomSeq).toBe(2);
    client.close();
  });
});
