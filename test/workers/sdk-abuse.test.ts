// The SDK on the room's guarded socket path (issue 12) against the real room and Worker: a token
// refreshed before it expires keeps the socket, one that is not gets closed 4001 ("token-expired"),
// and a client far behind gets everything it missed through paged RESUME.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type ClientOptions,
  type Connector,
  type DisconnectEvent,
  fetchConnector,
  LiveroomClient,
  type SocketLike,
} from "../../client/index";
import { liveroom } from "../../schema/proto";
import { control, questions } from "./support/game";
import { advanceClock, createActivity, roomStub, token, uniqueId } from "./support/raw-client";

const fetcher = (url: string, init: RequestInit) => exports.default.fetch(url, init);
const clients: LiveroomClient[] = [];

/** A connector that keeps every frame the client sends (decoded), to see what it asked for. */
function recording(activityId: string, sent: liveroom.Frame[]): Connector {
  const inner = fetchConnector("http://liveroom.test", activityId, fetcher);
  return async (t) => {
    const socket = await inner(t);
    const wrapped: SocketLike = {
      get readyState() {
        return socket.readyState;
      },
      send(data) {
        if (typeof data !== "string") sent.push(liveroom.Frame.decode(data));
        socket.send(data);
      },
      close: (code, reason) => socket.close(code, reason),
      addEventListener: ((type: "message", listener: (e: { data: unknown }) => void) =>
        socket.addEventListener(type, listener)) as SocketLike["addEventListener"],
    };
    return wrapped;
  };
}

function client(activityId: string, opts: Partial<ClientOptions> & { token: string }): LiveroomClient {
  const c = new LiveroomClient({
    connector: fetchConnector("http://liveroom.test", activityId, fetcher),
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    // Heartbeats every 50 ms: the room's sweep (run by the clock jump) sees a live socket.
    heartbeatIntervalMs: 50,
    ...opts,
  });
  clients.push(c);
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe("the SDK on the guarded socket path", () => {
  it("keeps a 60 s socket past its first token's exp by refreshing it (refreshToken)", async () => {
    const a = await createActivity({ questions: questions(1) });
    const user = uniqueId("refresher");
    const refreshToken = vi.fn(() => token(user, "viewer", 3600));
    const c = client(a.id, { token: await token(user, "viewer", 60), refreshToken });
    const disconnects: DisconnectEvent[] = [];
    c.on("disconnect", (e) => disconnects.push(e));
    expect((await c.connect()).ok).toBe(true);

    // The SDK's own timer runs on the wall clock (48 s for a 60 s token): ask for the refresh now.
    const r = await c.refresh();
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.expMs).toBeGreaterThan(Date.now() + 3_000_000);
    await sleep(150); // a few heartbeats

    await advanceClock(a.id, 61_000); // past the first token's exp; the sweep runs
    await sleep(150);
    expect(await c.like(1)).toEqual({ ok: true });
    expect(await c.danmaku("still here")).toMatchObject({ ok: true, text: "still here" });
    expect(c.state).toBe("open");
    expect(disconnects).toEqual([]);
  });

  it("a socket whose 60 s token was not refreshed is closed 4001 and surfaces token-expired", async () => {
    const a = await createActivity({ questions: questions(1) });
    const user = uniqueId("expirer");
    const c = client(a.id, { token: await token(user, "viewer", 60) });
    const states: string[] = [];
    c.on("connection", (e) => states.push(`${e.state}:${e.reason ?? ""}`));
    expect((await c.connect()).ok).toBe(true);
    await sleep(150);

    const gone = c.next("disconnect", undefined, 5_000);
    await advanceClock(a.id, 61_000);
    // The sweep closes it; a frame after the exp would too.
    void c.like(1);
    expect(await gone).toEqual({
      code: 4001,
      reason: "token-expired",
      message: "token expired",
      reconnect: false,
    });
    expect(c.state).toBe("closed");
    expect(states.at(-1)).toBe("closed:token-expired");
  });

  it("a client 450 notifications behind gets every one through paged RESUME, once and in order", async () => {
    const a = await createActivity({ questions: questions(225) });
    await control(a.id, { kind: "open" }); // room_seq 1
    const sent: liveroom.Frame[] = [];
    const user = uniqueId("pager");
    const c = client(a.id, { token: await token(user), connector: recording(a.id, sent) });
    const seen: number[] = [];
    c.on("notification", (n) => {
      if (n.roomSeq > 0) seen.push(n.roomSeq);
    });
    expect((await c.connect()).ok).toBe(true);
    expect(c.lastRoomSeq).toBe(1);
    c.close();

    for (let q = 0; q < 225; q++) {
      await control(a.id, { kind: "push", question: q, streamTsMs: 0 });
      await control(a.id, { kind: "reveal", question: q, streamTsMs: 0 });
    }
    const stats = await roomStub(a.id).control(a.id, { kind: "stats" });
    expect(stats.ok && stats.stats.roomSeq).toBe(451);

    sent.length = 0;
    const resyncs: unknown[] = [];
    c.on("resync", (r) => resyncs.push(r));
    expect((await c.connect()).ok).toBe(true);
    await vi.waitUntil(() => c.lastRoomSeq === 451, { timeout: 10_000 });
    const resumes = sent
      .filter((f) => f.type === liveroom.Type.RESUME)
      .map((f) => f.request!.resume!.afterSeq);
    expect(resumes).toEqual([1, 201, 401]);
    expect(seen).toEqual(Array.from({ length: 450 }, (_, i) => i + 2));
    expect(resyncs).toEqual([]);
  });
});
