import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { sign } from "hono/jwt";
import type { LiveRoom } from "../../durable-objects/live-room";
import { liveroom } from "../../schema/proto";
import { advanceClock, createActivity, RawClient, roomStub, token, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;
const QUESTIONS = [
  { text: "q0", options: ["a", "b"], correct: 0 },
  { text: "q1", options: ["a", "b"], correct: 0 },
  { text: "q2", options: ["a", "b"], correct: 0 },
];

/** A room in question 1 with one live player and one eliminated player, both authenticated. */
async function roomAtQuestion1() {
  const activity = await createActivity({ questions: QUESTIONS, answerWindowMs: 1_000 });
  const p = uniqueId("bad");
  const host = await RawClient.join(activity.id, `${p}-host`, "host");
  const live = await RawClient.join(activity.id, `${p}-live`);
  const out = await RawClient.join(activity.id, `${p}-out`);
  expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
  expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 0 } })).status).toBe(OK);
  expect((await live.answer(0, 0)).status).toBe(OK);
  expect((await out.answer(0, 1)).status).toBe(OK);
  expect((await host.request(T.REVEAL, { reveal: { question: 0 } })).status).toBe(OK);
  expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 1 } })).status).toBe(OK);
  await live.waitForNotification((n) => n.question?.question === 1);
  return { activity, host, live, out, p };
}

async function snapshot(activityId: string) {
  return runInDurableObject(roomStub(activityId), async (_room: LiveRoom, state) => {
    const sql = state.storage.sql;
    return {
      room: sql.exec("SELECT body FROM quiz_state").one().body,
      players: sql.exec("SELECT * FROM players ORDER BY user_id").toArray(),
      answers: sql.exec("SELECT * FROM answers ORDER BY question, user_id").toArray(),
      counts: sql.exec("SELECT * FROM counts ORDER BY question, option").toArray(),
      notifications: sql.exec("SELECT COUNT(*) AS n FROM notifications").one().n,
      outbox: sql.exec("SELECT COUNT(*) AS n FROM outbox").one().n,
    };
  });
}

describe("bad input changes nothing and gets its code", () => {
  it("answers every bad frame with status 0 and the exact code, and keeps the socket open", async () => {
    const { activity, live, out, p } = await roomAtQuestion1();
    expect((await live.answer(1, 0)).status).toBe(OK);
    const before = await snapshot(activity.id);
    const frame = (f: liveroom.Frame.$Properties) => liveroom.Frame.encode(f).finish();

    const cases: [string, number, () => Promise<liveroom.Response>][] = [
      ["malformed bytes", C.MALFORMED, () => raw(live, Uint8Array.of(0x0a, 0xff, 0x01))],
      [
        "payload not matching the type",
        C.MALFORMED,
        () => raw(live, frame({ type: T.ANSWER, seq: 0, request: { grab: {} } })),
      ],
      ["a text frame", C.TEXT_FRAME, () => raw(live, '{"answer":1}')],
      [
        "an unknown type",
        C.UNKNOWN_TYPE,
        () => raw(live, frame({ type: 77, seq: 0, request: { answer: {} } })),
      ],
      ["an oversize frame", C.TOO_LARGE, () => raw(live, new Uint8Array(4096))],
      ["a past question", C.NOT_CURRENT_QUESTION, () => live.answer(0, 0)],
      ["a future question", C.NOT_CURRENT_QUESTION, () => live.answer(2, 0)],
      ["an unknown question", C.UNKNOWN_QUESTION, () => live.answer(9, 0)],
      ["a second answer", C.ALREADY_ANSWERED, () => live.answer(1, 1)],
      ["an out-of-range option", C.BAD_OPTION, () => live.answer(1, 2)],
      ["an eliminated player", C.ELIMINATED, () => out.answer(1, 0)],
      ["a viewer's host operation", C.FORBIDDEN, () => live.request(T.REVEAL, { reveal: { question: 1 } })],
      ["a viewer's stats request", C.FORBIDDEN, () => live.request(T.STATS, { stats: {} })],
      [
        "an expired token",
        C.TOKEN_INVALID,
        async () => live.request(T.AUTH, { auth: { token: await token(`${p}-live`, "viewer", -60) } }),
      ],
      [
        "a token signed with another secret",
        C.TOKEN_INVALID,
        async () =>
          live.request(T.AUTH, {
            auth: {
              token: await sign({ sub: `${p}-live`, role: "host", exp: 9e9 }, "another-secret", "HS256"),
            },
          }),
      ],
      ["garbage as a token", C.TOKEN_INVALID, () => live.request(T.AUTH, { auth: { token: "not.a.jwt" } })],
      [
        "another user's token on this socket",
        C.ALREADY_AUTHENTICATED,
        async () => live.request(T.AUTH, { auth: { token: await token(`${p}-other`) } }),
      ],
    ];
    for (const [what, code, send] of cases) {
      const res = await send();
      expect({ what, status: res.status, code: res.code }).toEqual({ what, status: 0, code });
    }
    expect(live.closed).toBeNull();
    expect(await snapshot(activity.id)).toEqual(before);
  }, 20_000);

  it("refuses business frames before auth, then accepts an auth frame on the open socket", async () => {
    const { activity, p } = await roomAtQuestion1();
    const anon = await RawClient.join(activity.id, null);
    expect((await anon.answer(1, 0)).code).toBe(C.NOT_AUTHENTICATED);
    expect((await anon.request(T.RESUME, { resume: { afterSeq: 0 } })).code).toBe(C.NOT_AUTHENTICATED);
    const auth = await anon.request(T.AUTH, { auth: { token: await token(`${p}-late`) } });
    expect(auth.status).toBe(OK);
    expect(auth.welcome).toMatchObject({ userId: `${p}-late`, role: liveroom.Role.VIEWER, roomSeq: 4 });
    // Joined after the first question: a spectator, not a player.
    expect((await anon.answer(1, 0)).code).toBe(C.MISSED_EARLIER);
  });

  it("rejects a late answer by the room's clock", async () => {
    const { live, activity } = await roomAtQuestion1();
    // Past the 1 s window and the 500 ms grace on the room's clock; the alarm closes the window.
    const stub = roomStub(activity.id);
    await advanceClock(activity.id, 1_500);
    await runDurableObjectAlarm(stub);
    const r = await stub.control(activity.id, { kind: "stats" });
    expect(r.ok && r.stats.phase).toBe("closed");
    expect((await live.answer(1, 0)).code).toBe(C.TOO_LATE);
  });

  it("rejects operator steps out of order", async () => {
    const { host } = await roomAtQuestion1();
    expect((await host.request(T.OPEN, { open: {} })).code).toBe(C.NOT_ALLOWED_NOW);
    expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 2 } })).code).toBe(
      C.NOT_ALLOWED_NOW,
    );
    expect((await host.request(T.REVEAL, { reveal: { question: 0 } })).code).toBe(C.WRONG_QUESTION);
    expect((await host.request(T.END, { end: {} })).code).toBe(C.NOT_ALLOWED_NOW);
    expect((await host.request(T.REVEAL, { reveal: { question: 1 } })).status).toBe(OK);
    expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 1 } })).code).toBe(
      C.WRONG_QUESTION,
    );
    expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 5 } })).code).toBe(
      C.UNKNOWN_QUESTION,
    );
  });
});

describe("resume", () => {
  it("sends a reconnecting client exactly the notifications it missed", async () => {
    const { activity, host, p } = await roomAtQuestion1();
    const viewer = await RawClient.join(activity.id, `${p}-resumer`);
    expect(
      (await viewer.request(T.AUTH, { auth: { token: await token(`${p}-resumer`) } })).welcome!.roomSeq,
    ).toBe(4);
    viewer.close();
    expect((await host.request(T.REVEAL, { reveal: { question: 1 } })).status).toBe(OK);
    expect(
      (await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 2, streamTsMs: 5 } })).status,
    ).toBe(OK);

    const back = await RawClient.join(activity.id, `${p}-resumer`);
    const res = await back.request(T.RESUME, { resume: { afterSeq: 4 } });
    expect(res.resumed).toMatchObject({ fromSeq: 5, toSeq: 6, gap: false });
    await vi.waitUntil(() => back.notifications().length === 2);
    const missed = back.notifications();
    expect(missed.map((n) => n.roomSeq)).toEqual([5, 6]);
    expect(missed[0]!.reveal!.question).toBe(1);
    expect(missed[1]!.question).toMatchObject({ question: 2, streamTsMs: 5 });
    // Nothing more arrives: exactly what was missed (everything sent before a later answer is here).
    await back.flush();
    expect(back.notifications().length).toBe(2);
  });
});

describe("heartbeats and dead sockets", () => {
  it("answers the heartbeat by auto-response and drops a socket that stopped beating", async () => {
    const { activity, live, out } = await roomAtQuestion1();
    live.sendRaw("\x08\x01");
    await vi.waitUntil(() => live.texts.length === 1);
    expect(live.texts).toEqual(["\x08\x01"]);
    const stub = roomStub(activity.id);
    // A minute and a second later on the room's clock: only \`live\` heartbeated since it connected
    // (the runtime's heartbeat times move with the room's clock), so the sweep drops every other socket.
    await advanceClock(activity.id, 61_000);
    // Advancing armed the alarm in the past: the runtime may have run it already.
    await runDurableObjectAlarm(stub);
    await vi.waitUntil(() => out.closed !== null);
    expect(out.closed).toEqual({ code: 4000, reason: "heartbeat timeout" });
    expect(live.closed).toBeNull();
  });
});

async function raw(client: RawClient, data: Uint8Array | string): Promise<liveroom.Response> {
  const before = client.frames.length;
  client.sendRaw(data);
  await vi.waitUntil(
    () => client.frames.length > before && client.frames.slice(before).some((f) => f.response),
  );
  return client.frames.slice(before).find((f) => f.response)!.response as liveroom.Response;
}

describe("closing", () => {
  it("answers a Close frame without a status (1005) with 1000, so the peer's close completes", async () => {
    const activity = await createActivity({ questions: [{ text: "q0", options: ["a", "b"], correct: 0 }] });
    const c = await RawClient.join(activity.id, uniqueId("closer"));
    c.ws.close();
    await vi.waitUntil(() => c.closed !== null, { timeout: 5_000 });
    expect(c.closed!.code).toBe(1000);
  });
});
