// The SDK on the room's guarded socket path (issue 12): token refresh, paged RESUME, the frame
// budget's refusal and the room's close codes, against the fake room.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ClientOptions,
  type ConnectionEvent,
  type DisconnectEvent,
  LiveroomClient,
  liveroom,
  refreshDelayMs,
  tokenExpiryMs,
} from "../../client/index.js";
import { FakeRoom, failedResponse, flush, okResponse } from "./client-fake-room.js";

const T = liveroom.Type;
const C = liveroom.Code;
const NOW = 1_800_000_000_000;

/** An unsigned JWT-shaped token: the SDK only reads its `exp` (the room verifies). */
function jwt(sub: string, expSec: number, extra: Record<string, unknown> = {}): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o), "utf8").toString("base64url");
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, role: "viewer", exp: expSec, ...extra })}.sig`;
}

const inSec = (s: number) => Math.floor(Date.now() / 1000) + s;

function setup(opts: Partial<ClientOptions> = {}) {
  const room = new FakeRoom();
  // The room's clock agrees with the client's: the refresh is scheduled on the room's clock.
  room.welcome = { serverTimeMs: Date.now() };
  const client = new LiveroomClient({
    connector: room.connector,
    token: jwt("u1", inSec(3600)),
    random: () => 0,
    // These tests time the back-off; the spread over the room's window is client-reconnect-window.test.ts's.
    reconnect: { initialDelayMs: 100, defaultWindowMs: 0 },
    ...opts,
  });
  const log: string[] = [];
  client.on("notification", (n) => log.push(`${n.kind}:${n.roomSeq}`));
  client.on("resync", (r) => log.push(`resync:${r.fromSeq}->${r.toSeq}`));
  const states: ConnectionEvent[] = [];
  client.on("connection", (e) => states.push(e));
  const disconnects: DisconnectEvent[] = [];
  client.on("disconnect", (e) => disconnects.push(e));
  const errors: unknown[] = [];
  client.on("error", (e) => errors.push(e));
  return { room, client, log, states, disconnects, errors };
}

function likes(room: FakeRoom, n: number, live = false): void {
  for (let i = 0; i < n; i++)
    room.notify({ roomOpened: { title: `t${room.roomSeq + 1}` } }, T.ROOM_OPENED, live);
}

const requests = (room: FakeRoom, i: number) =>
  room.sockets[i]!.frames().map((f) => [
    liveroom.Type[f.type],
    f.request?.resume?.afterSeq ?? f.request?.refresh?.token ?? f.request?.auth?.token ?? null,
  ]);

const seqs = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `roomOpened:${from + i}`);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("token expiry", () => {
  it("reads exp from the JWT payload without verifying, and refreshes a minute before (80 % for short tokens)", () => {
    expect(tokenExpiryMs(jwt("u", 1_700_000_000))).toBe(1_700_000_000_000);
    expect(tokenExpiryMs(jwt("u", 1_700_000_000, { name: "Zoë ✓" }))).toBe(1_700_000_000_000);
    expect(tokenExpiryMs("not-a-jwt")).toBeUndefined();
    expect(tokenExpiryMs("a.%%%.c")).toBeUndefined();
    expect(tokenExpiryMs(`a.${btoa('{"exp":"soon"}')}.c`)).toBeUndefined();
    expect(refreshDelayMs(3_600_000)).toBe(3_540_000);
    expect(refreshDelayMs(300_000)).toBe(240_000);
    expect(refreshDelayMs(60_000)).toBe(48_000);
    expect(refreshDelayMs(0)).toBe(0);
    expect(refreshDelayMs(-5)).toBe(0);
  });
});

describe("refreshToken", () => {
  it("sends REFRESH with the new token a minute before exp, then uses it for reconnects", async () => {
    const fresh = [jwt("u1", inSec(7200)), jwt("u1", inSec(10_800))];
    const refreshToken = vi.fn(async () => fresh.shift()!);
    const { room, client } = setup({ refreshToken });
    const refreshed: number[] = [];
    client.on("refreshed", (e) => refreshed.push(e.expMs));
    await client.connect();

    await vi.advanceTimersByTimeAsync(3_540_000 - 1);
    expect(refreshToken).not.toHaveBeenCalled();
    expect(room.refreshTokens).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(refreshToken).toHaveBeenCalledTimes(1);
    const second = jwt("u1", Math.floor(NOW / 1000) + 7200);
    expect(room.refreshTokens).toEqual([second]);
    expect(requests(room, 0).at(-1)).toEqual(["REFRESH", second]);
    expect(refreshed).toEqual([(Math.floor(NOW / 1000) + 7200) * 1000]);

    // The next refresh follows the new token: a minute before its exp.
    const due = (Math.floor(NOW / 1000) + 7200) * 1000 - 60_000 - Date.now();
    await vi.advanceTimersByTimeAsync(due - 1);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(refreshToken).toHaveBeenCalledTimes(2);
    const third = jwt("u1", Math.floor(NOW / 1000) + 10_800);
    expect(room.refreshTokens).toEqual([second, third]);

    // A reconnect connects and authenticates with the latest token.
    room.socket.drop();
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(room.sockets.length).toBe(2);
    expect(room.tokens.at(-1)).toBe(third);
    expect(requests(room, 1)[0]).toEqual(["AUTH", third]);
    expect(client.state).toBe("open");
    client.close();
  });

  it("refreshes a short token at 80 % of its lifetime", async () => {
    const next = jwt("u1", inSec(600));
    const refreshToken = vi.fn(async () => next);
    const { room, client } = setup({ token: jwt("u1", inSec(60)), refreshToken });
    await client.connect();
    await vi.advanceTimersByTimeAsync(47_999);
    expect(room.refreshTokens).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(room.refreshTokens).toEqual([next]);
    client.close();
  });

  it("does nothing on its own without the callback", async () => {
    const { room, client } = setup({ token: jwt("u1", inSec(60)) });
    await client.connect();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(room.refreshTokens).toEqual([]);
    expect(requests(room, 0).map(([t]) => t)).toEqual(["AUTH"]);
    client.close();
  });

  it("reports a refused refresh as an error event, keeps the old token and lets the socket expire", async () => {
    const first = jwt("u1", inSec(60));
    const bad = jwt("u1", inSec(600), { bad: true });
    const good = jwt("u1", inSec(900));
    const refreshToken = vi.fn().mockResolvedValueOnce(bad).mockResolvedValueOnce(good);
    const { room, client, errors, disconnects, states } = setup({ token: first, refreshToken });
    room.refreshFailure = C.TOKEN_INVALID;
    await client.connect();
    await vi.advanceTimersByTimeAsync(48_000);
    await flush();
    expect(room.refreshTokens).toEqual([bad]);
    expect(errors).toEqual([
      { reason: "token refresh refused: token rejected", code: 100, codeName: "TOKEN_INVALID" },
    ]);
    // Not retried: the socket expires with its token.
    await vi.advanceTimersByTimeAsync(11_000);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(client.state).toBe("open");

    room.socket.drop(4001, "token expired");
    expect(disconnects).toEqual([
      { code: 4001, reason: "token-expired", message: "token expired", reconnect: true },
    ]);
    expect(states.at(-1)).toMatchObject({ state: "reconnecting", attempt: 1 });
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    // Closed as expired: a new token is fetched before connecting again.
    expect(refreshToken).toHaveBeenCalledTimes(2);
    expect(room.tokens).toEqual([first, good]);
    expect(client.state).toBe("open");
    client.close();
  });

  it("reports a callback that throws as an error event and tries again halfway to exp; stops at close()", async () => {
    const next = jwt("u1", inSec(7200));
    const refreshToken = vi.fn().mockRejectedValueOnce(new Error("offline")).mockResolvedValueOnce(next);
    const { room, client, errors } = setup({ refreshToken });
    await client.connect();
    await vi.advanceTimersByTimeAsync(3_540_000);
    await flush();
    expect(errors).toEqual([{ reason: "refreshToken failed: Error: offline" }]);
    expect(room.refreshTokens).toEqual([]);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(room.refreshTokens).toEqual([next]);
    client.close();
    await vi.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(refreshToken).toHaveBeenCalledTimes(2);
  });

  it("refresh(token) sends an app's own token; refresh() asks the callback; neither: REFRESH_FAILED", async () => {
    const { room, client } = setup();
    await client.connect();
    const mine = jwt("u1", inSec(5000));
    expect(await client.refresh(mine)).toEqual({ ok: true, expMs: (Math.floor(NOW / 1000) + 5000) * 1000 });
    expect(room.refreshTokens).toEqual([mine]);
    expect(await client.refresh()).toMatchObject({ ok: false, code: "REFRESH_FAILED" });
    room.refreshFailure = C.TOKEN_INVALID;
    expect(await client.refresh(jwt("u1", inSec(6000)))).toMatchObject({
      ok: false,
      codeName: "TOKEN_INVALID",
    });
    // The refused token is not used for the next connection; the accepted one is.
    room.socket.drop();
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(room.tokens.at(-1)).toBe(mine);
    client.close();

    // Not connected: nothing reaches a room, and the token is what the next connect uses.
    const later = jwt("u1", inSec(7000));
    expect(await client.refresh(later)).toMatchObject({ ok: false, code: "NOT_CONNECTED" });
    await client.connect();
    expect(room.tokens.at(-1)).toBe(later);
    client.close();
  });
});

describe("paged RESUME", () => {
  it("pages 450 missed notifications in 3 answers and delivers 1..450 (and a live 451) exactly once, in order", async () => {
    const { room, client, log } = setup();
    room.resumePage = 200;
    await client.connect();
    room.socket.drop();
    likes(room, 450);
    await vi.advanceTimersByTimeAsync(99);
    // A live notification races the Welcome on the new socket.
    room.onAuth = (s) => {
      room.onAuth = undefined;
      likes(room, 1, false);
      room.later(s, room.history[450]);
      room.later(s, room.history[449]);
    };
    await vi.advanceTimersByTimeAsync(1);
    await flush(50);
    expect(requests(room, 1)).toEqual([
      ["AUTH", expect.any(String)],
      ["RESUME", 0],
      ["RESUME", 200],
      ["RESUME", 400],
    ]);
    expect(log).toEqual(seqs(1, 451));
    expect(client.lastRoomSeq).toBe(451);
    // Late duplicates change nothing.
    for (const i of [0, 199, 200, 450]) room.socket.receive(room.history[i]);
    likes(room, 1, true);
    await flush();
    expect(log).toEqual(seqs(1, 452));
    client.close();
  });

  it("client.resume() pages too", async () => {
    const { room, client, log } = setup();
    room.resumePage = 100;
    await client.connect();
    likes(room, 250);
    const r = await client.resume();
    await flush(20);
    expect(r).toEqual({ ok: true, fromSeq: 1, toSeq: 250, gap: false, more: false, pages: 3 });
    expect(log).toEqual(seqs(1, 250));
    client.close();
  });

  it("falls back to the snapshot (AUTH again, resync) after 50 pages", async () => {
    const { room, client, log } = setup();
    room.resumePage = 1;
    await client.connect();
    room.socket.drop();
    likes(room, 60);
    await vi.advanceTimersByTimeAsync(100);
    await flush(400);
    const sent = requests(room, 1).map(([t]) => t);
    expect(sent).toEqual(["AUTH", ...Array(50).fill("RESUME"), "AUTH"]);
    expect(log).toEqual([...seqs(1, 50), "resync:50->60"]);
    expect(client.lastRoomSeq).toBe(60);
    expect(client.state).toBe("open");
    client.close();
  });

  it("takes RESUME_LIMITED as a cue for the snapshot: AUTH again and resync", async () => {
    const { room, client, log } = setup();
    room.resumePage = 200;
    room.resumeBudget = 1;
    await client.connect();
    room.socket.drop();
    likes(room, 450);
    await vi.advanceTimersByTimeAsync(100);
    await flush(500);
    expect(requests(room, 1).map(([t, a]) => (t === "RESUME" ? `${t} ${a}` : t))).toEqual([
      "AUTH",
      "RESUME 0",
      "RESUME 200",
      "AUTH",
    ]);
    expect(log).toEqual([...seqs(1, 200), "resync:200->450"]);
    expect(client.state).toBe("open");

    // The same from client.resume(): limited at once, the fresh Welcome stands in.
    likes(room, 5);
    const r = await client.resume();
    await flush();
    expect(r).toEqual({ ok: true, fromSeq: 451, toSeq: 455, gap: true, more: false, pages: 1 });
    expect(log.at(-1)).toBe("resync:450->455");
    client.close();
  });
});

describe("FRAME_RATE_LIMITED", () => {
  it("is a rateLimited event: the pending request is not rejected and still gets its answer", async () => {
    const { room, client, errors } = setup();
    const limited: unknown[] = [];
    client.on("rateLimited", (e) => limited.push(e));
    await client.connect();
    const r = client.stats();
    await flush();
    const { frame } = room.inbox[0]!;
    room.later(room.socket, failedResponse(0, 0, C.FRAME_RATE_LIMITED, "too many frames"));
    await flush();
    expect(limited).toEqual([{ code: 110, codeName: "FRAME_RATE_LIMITED", message: "too many frames" }]);
    expect(errors).toEqual([]);
    let settled = false;
    void r.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    room.later(room.socket, okResponse(frame.type, frame.seq, { stats: { online: 3 } }));
    expect(await r).toMatchObject({ ok: true, stats: { online: 3 } });
    client.close();
  });
});

describe("close codes", () => {
  it.each([
    [4000, "heartbeat timeout", "heartbeat-timeout"],
    [4003, "send an AUTH frame first", "auth-timeout"],
    [4008, "frame flood", "frame-flood"],
    [1012, "", "other"],
  ] as const)("%i is named %s and reconnects", async (code, message, reason) => {
    const { room, client, disconnects, states } = setup();
    await client.connect();
    room.socket.drop(code, message);
    expect(disconnects).toEqual([{ code, reason, message, reconnect: true }]);
    expect(states.at(-1)).toMatchObject({ state: "reconnecting", attempt: 1 });
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(room.sockets.length).toBe(2);
    expect(client.state).toBe("open");
    client.close();
  });

  it("4009: another connection of the same user took over, so the client stays closed", async () => {
    const { room, client, disconnects, states } = setup();
    await client.connect();
    room.socket.drop(4009, "replaced by a newer connection");
    expect(disconnects).toEqual([
      { code: 4009, reason: "replaced", message: "replaced by a newer connection", reconnect: false },
    ]);
    expect(states.at(-1)).toEqual({ state: "closed", reason: "replaced" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(room.sockets.length).toBe(1);
    // The app may take over again on purpose.
    expect((await client.connect()).ok).toBe(true);
    expect(room.sockets.length).toBe(2);
    client.close();
  });

  it("4001 without refreshToken: closed as token-expired, no reconnect", async () => {
    const { room, client, disconnects, states } = setup();
    await client.connect();
    room.socket.drop(4001, "token expired");
    expect(disconnects).toEqual([
      { code: 4001, reason: "token-expired", message: "token expired", reconnect: false },
    ]);
    expect(states.at(-1)).toEqual({ state: "closed", reason: "token-expired" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(room.sockets.length).toBe(1);
  });

  it("4009 while a reconnect is authenticating ends closed too", async () => {
    const { room, client, states } = setup();
    await client.connect();
    room.socket.drop();
    room.onAuth = (s) => {
      room.onAuth = undefined;
      s.drop(4009, "replaced by a newer connection");
    };
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(states.at(-1)).toEqual({ state: "closed", reason: "replaced" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(room.sockets.length).toBe(2);
  });
});
