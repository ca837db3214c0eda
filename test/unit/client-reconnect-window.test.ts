// After a deploy every socket of a room goes down at once: the SDK spreads its first reconnect over the
// room's window (the Welcome's reconnectWindowMs) and resumes where it left off.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ClientOptions,
  type ConnectionEvent,
  LiveroomClient,
  liveroom,
  type RoomNotification,
} from "../../client/index.js";
import { seededRng } from "../../durable-objects/features/rain/prng.js";
import { FakeRoom, flush } from "./client-fake-room.js";

const T = liveroom.Type;

function setup(opts: Partial<ClientOptions> = {}, room = new FakeRoom()) {
  const client = new LiveroomClient({ connector: room.connector, token: "jwt", random: () => 0.5, ...opts });
  const states: ConnectionEvent[] = [];
  const seqs: number[] = [];
  const resyncs: number[] = [];
  client.on("connection", (e) => states.push(e));
  client.on("notification", (n: RoomNotification) => seqs.push(n.roomSeq));
  client.on("resync", (r) => resyncs.push(r.toSeq));
  return { room, client, states, seqs, resyncs };
}

/** `n` numbered notifications; `live` sends them to the newest socket too. */
const notify = (room: FakeRoom, n: number, live: boolean) => {
  for (let i = 0; i < n; i++)
    room.notify({ roomOpened: { title: `t${room.roomSeq + 1}` } }, T.ROOM_OPENED, live);
};

const requests = (room: FakeRoom, socket: number) =>
  room.sockets[socket]!.frames().map((f) => [T[f.type], f.request?.resume?.afterSeq ?? null]);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the reconnect window", () => {
  it("waits a uniform draw over the Welcome's window after a deploy, then resumes with no gap", async () => {
    const { room, client, states, seqs, resyncs } = setup({ random: () => 0.75 });
    room.welcome = { reconnectWindowMs: 8_000 };
    await client.connect();
    notify(room, 2, true);
    await flush();
    room.socket.drop(1001, "going away");
    notify(room, 3, false);
    expect(states.at(-1)).toEqual({
      state: "reconnecting",
      reason: "closed (1001 going away)",
      attempt: 1,
      delayMs: 6_000,
      windowMs: 8_000,
    });
    await vi.advanceTimersByTimeAsync(5_999);
    expect(room.sockets.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(room.sockets.length).toBe(2);
    expect(requests(room, 1)).toEqual([
      ["AUTH", null],
      ["RESUME", 2],
    ]);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(resyncs).toEqual([]);
    expect(client.state).toBe("open");
    client.close();
  });

  it("spreads the drops a deploy causes (1001, 1006, 1011, 1012, an error event); the room's own closes back off", async () => {
    const cases: Array<[string, (room: FakeRoom) => void, Partial<ConnectionEvent>]> = [
      ["1001", (r) => r.socket.drop(1001), { delayMs: 2_000, windowMs: 4_000 }],
      ["1006", (r) => r.socket.drop(1006), { delayMs: 2_000, windowMs: 4_000 }],
      ["1011", (r) => r.socket.drop(1011), { delayMs: 2_000, windowMs: 4_000 }],
      ["1012", (r) => r.socket.drop(1012), { delayMs: 2_000, windowMs: 4_000 }],
      ["error", (r) => r.socket.fail(), { delayMs: 2_000, windowMs: 4_000 }],
      // The room's sweep (4000) and frame budget (4008) close one socket for its own reasons.
      ["4000", (r) => r.socket.drop(4000, "heartbeat timeout"), { delayMs: 375 }],
      ["4008", (r) => r.socket.drop(4008, "frame flood"), { delayMs: 375 }],
    ];
    for (const [name, drop, expected] of cases) {
      const { room, client, states } = setup();
      room.welcome = { reconnectWindowMs: 4_000 };
      await client.connect();
      drop(room);
      const { state, attempt, delayMs, windowMs } = states.at(-1)!;
      expect({ name, state, attempt, delayMs, windowMs }).toEqual({
        name,
        state: "reconnecting",
        attempt: 1,
        windowMs: undefined,
        ...expected,
      });
      client.close();
    }
  });

  it("the client's own heartbeat watchdog backs off: it is this client's path that died", async () => {
    const { room, client, states } = setup({ heartbeatIntervalMs: 1_000 });
    room.welcome = { reconnectWindowMs: 4_000 };
    await client.connect();
    room.echoHeartbeats = false;
    await vi.advanceTimersByTimeAsync(7_000);
    expect(states.at(-1)).toEqual({
      state: "reconnecting",
      reason: "heartbeat timeout",
      attempt: 1,
      delayMs: 375,
    });
    client.close();
  });

  it("spreads only the first attempt: a failed one backs off as usual from attempt 2", async () => {
    const { room, client, states } = setup();
    room.welcome = { reconnectWindowMs: 4_000 };
    await client.connect();
    room.connectFailures = 2;
    room.socket.drop(1006);
    await vi.advanceTimersByTimeAsync(2_000 + 750 + 1_500);
    await flush();
    expect(
      states.slice(2).map(({ state, attempt, delayMs, windowMs }) => ({ state, attempt, delayMs, windowMs })),
    ).toEqual([
      { state: "reconnecting", attempt: 1, delayMs: 2_000, windowMs: 4_000 },
      { state: "reconnecting", attempt: 2, delayMs: 750, windowMs: undefined },
      { state: "reconnecting", attempt: 3, delayMs: 1_500, windowMs: undefined },
      { state: "open", attempt: undefined, delayMs: undefined, windowMs: undefined },
    ]);
    client.close();
  });

  it("uses 5 s when the Welcome has no window (0), the option's default when given, and caps a huge one at 60 s", async () => {
    const cases: Array<[number | undefined, Partial<ClientOptions>, Partial<ConnectionEvent>]> = [
      [undefined, {}, { delayMs: 2_500, windowMs: 5_000 }],
      [0, {}, { delayMs: 2_500, windowMs: 5_000 }],
      [0, { reconnect: { defaultWindowMs: 12_000 } }, { delayMs: 6_000, windowMs: 12_000 }],
      // Spread turned off for rooms that advertise nothing: the back-off (500 ms, half jitter).
      [0, { reconnect: { defaultWindowMs: 0 } }, { delayMs: 375, windowMs: undefined }],
      // An advertised window wins over the option.
      [3_000, { reconnect: { defaultWindowMs: 0 } }, { delayMs: 1_500, windowMs: 3_000 }],
      [600_000, {}, { delayMs: 30_000, windowMs: 60_000 }],
    ];
    for (const [advertised, opts, expected] of cases) {
      const { room, client, states } = setup(opts);
      room.welcome = advertised === undefined ? {} : { reconnectWindowMs: advertised };
      await client.connect();
      room.socket.drop(1006);
      const { delayMs, windowMs } = states.at(-1)!;
      expect({ advertised, delayMs, windowMs }).toEqual({ advertised, windowMs: undefined, ...expected });
      client.close();
    }
  });

  it("1,000 clients dropped at once come back evenly over a 10 s window, each resumed with no gap", async () => {
    const CLIENTS = 1_000;
    const WINDOW_MS = 10_000;
    const room = new FakeRoom();
    room.welcome = { reconnectWindowMs: WINDOW_MS };
    const connectedAt: number[] = [];
    const connector = room.connector;
    // The room's connector, noting when (on the fake clock) each socket is asked for.
    const clients = Array.from({ length: CLIENTS }, (_, i) => {
      const rng = seededRng(`client-${i}`);
      return setup(
        {
          connector: (token) => {
            connectedAt.push(Date.now());
            return connector(token);
          },
          random: () => rng() / 2 ** 32,
        },
        room,
      );
    });
    notify(room, 2, false);
    for (const c of clients) expect((await c.client.connect()).ok).toBe(true);
    const t0 = Date.now();
    connectedAt.length = 0;
    const firstSockets = room.sockets.length;
    for (const s of room.sockets) s.drop(1006);
    notify(room, 3, false);

    const drawn = clients.map((c) => c.states.at(-1)!);
    expect(drawn.every((e) => e.state === "reconnecting" && e.windowMs === WINDOW_MS)).toBe(true);
    const delays = drawn.map((e) => e.delayMs!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(WINDOW_MS);

    // One simulated second at a time: how many sockets were asked for in each second of the window.
    const perSecond: number[] = [];
    for (let s = 0; s < WINDOW_MS / 1_000; s++) {
      const before = connectedAt.length;
      await vi.advanceTimersByTimeAsync(1_000);
      perSecond.push(connectedAt.length - before);
    }
    await flush(20);
    expect(connectedAt.length).toBe(CLIENTS);
    // Each reconnect happened exactly when its draw said.
    expect(connectedAt.map((t) => t - t0).sort((a, b) => a - b)).toEqual([...delays].sort((a, b) => a - b));
    // Even: 100 a second expected; a binomial(1000, 0.1) count has σ ≈ 9.5, so ±30 is over 3σ.
    expect(perSecond.reduce((a, b) => a + b, 0)).toBe(CLIENTS);
    for (const n of perSecond) expect(Math.abs(n - 100)).toBeLessThanOrEqual(30);
    // Every client is back and resumed after the last number it saw: 3, 4, 5, once each, no resync.
    expect(room.sockets.length).toBe(firstSockets + CLIENTS);
    for (const c of clients) {
      expect(c.client.state).toBe("open");
      expect(c.seqs).toEqual([3, 4, 5]);
      expect(c.resyncs).toEqual([]);
      c.client.close();
    }
    for (const s of room.sockets.slice(firstSockets)) {
      expect(s.frames().map((f) => [T[f.type], f.request?.resume?.afterSeq ?? null])).toEqual([
        ["AUTH", null],
        ["RESUME", 2],
      ]);
    }
  });
});
