import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ClientOptions, LiveroomClient, liveroom, sealOutcome } from "../../client/index.js";
import { FakeRoom, flush, okResponse } from "./client-fake-room.js";

const T = liveroom.Type;
const key = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);

function question(room: FakeRoom, q: number, live = true): void {
  room.notify(
    { question: { question: q, text: `Q${q}`, options: ["a", "b", "c"], streamTsMs: 1000 * (q + 1) } },
    T.QUESTION,
    live,
  );
}

function setup(opts: Partial<ClientOptions> = {}) {
  const room = new FakeRoom();
  const client = new LiveroomClient({
    connector: room.connector,
    token: "jwt",
    random: () => 0,
    // These tests time the back-off; the spread over the room's window is client-reconnect-window.test.ts's.
    reconnect: { initialDelayMs: 100, defaultWindowMs: 0 },
    ...opts,
  });
  const log: string[] = [];
  client.on("notification", (n) => log.push(`${n.kind}:${n.roomSeq}`));
  client.on("resync", (r) => log.push(`resync:${r.fromSeq}->${r.toSeq}`));
  client.on("outcome", (o) => log.push(`outcome:${o.question}:${o.outcome}`));
  return { room, client, log };
}

const requests = (room: FakeRoom, i: number) =>
  room.sockets[i]!.frames().map((f) => [f.type, f.request?.resume?.afterSeq ?? null]);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("exactly-once delivery", () => {
  it("starts at the Welcome's room_seq: history before it is covered by the snapshot", async () => {
    const { room, client, log } = setup();
    question(room, 0, false);
    question(room, 1, false);
    await client.connect();
    expect(client.lastRoomSeq).toBe(2);
    question(room, 2);
    await flush();
    expect(log).toEqual(["question:3"]);
    expect(requests(room, 0)).toEqual([[T.AUTH, null]]);
    client.close();
  });

  it("holds notifications that race the Welcome and drops those the snapshot covers", async () => {
    const { room, client, log } = setup();
    for (const q of [0, 1, 2]) question(room, q, false);
    room.welcome = { roomSeq: 2 };
    // The socket joins the broadcast set at the upgrade, so 3 (and a stale 2) can beat the Welcome.
    room.onAuth = (s) => {
      room.later(s, room.history[2]);
      room.later(s, room.history[1]);
    };
    await client.connect();
    await flush();
    expect(log).toEqual(["question:3"]);
    expect(client.lastRoomSeq).toBe(3);
    client.close();
  });

  it("delivers every room_seq once across reconnect + resume, with duplicated and out-of-order frames", async () => {
    const { room, client, log } = setup();
    const states: string[] = [];
    client.on("connection", (e) =>
      states.push(`${e.state}${e.delayMs === undefined ? "" : `+${e.delayMs}`}`),
    );
    await client.connect();
    for (const q of [0, 1, 2]) question(room, q);
    await flush();
    expect(log).toEqual(["question:1", "question:2", "question:3"]);

    room.socket.drop();
    for (const q of [3, 4, 5]) question(room, q, false);
    // The new socket sees live 6 and a stray 5 before the Welcome; RESUME replays 4..6 after it.
    room.onAuth = (s) => {
      room.later(s, room.history[5]);
      room.later(s, room.history[4]);
    };
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(requests(room, 1)).toEqual([
      [T.AUTH, null],
      [T.RESUME, 3],
    ]);
    // Late duplicates of anything already delivered change nothing.
    const s = room.socket;
    for (const i of [2, 4, 5, 0]) s.receive(room.history[i]);
    question(room, 6);
    await flush();
    expect(log).toEqual([
      "question:1",
      "question:2",
      "question:3",
      "question:4",
      "question:5",
      "question:6",
      "question:7",
    ]);
    expect(client.lastRoomSeq).toBe(7);
    expect(states).toEqual(["connecting", "open", "reconnecting+100", "open"]);
    client.close();
  });

  it("resumes after a persisted lastRoomSeq on the first connect", async () => {
    const { room, client, log } = setup({ lastRoomSeq: 1 });
    for (const q of [0, 1, 2]) question(room, q, false);
    await client.connect();
    await flush();
    expect(requests(room, 0)).toEqual([
      [T.AUTH, null],
      [T.RESUME, 1],
    ]);
    expect(log).toEqual(["question:2", "question:3"]);
    client.close();
  });

  it("re-syncs on the same socket when a missing number does not turn up within holeTimeoutMs", async () => {
    const { room, client, log } = setup({ holeTimeoutMs: 500 });
    await client.connect();
    question(room, 0);
    question(room, 1, false); // lost by the room's bug
    question(room, 2);
    await flush();
    expect(log).toEqual(["question:1"]);
    await vi.advanceTimersByTimeAsync(499);
    expect(requests(room, 0)).toEqual([[T.AUTH, null]]);
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(requests(room, 0)).toEqual([
      [T.AUTH, null],
      [T.AUTH, null],
      [T.RESUME, 1],
    ]);
    expect(log).toEqual(["question:1", "question:2", "question:3"]);
    expect(room.sockets.length).toBe(1);
    client.close();
  });
});

describe("gaps", () => {
  it("emits resync with the fresh Welcome when the room pruned what was missed, then goes on live", async () => {
    const { room, client, log } = setup();
    const resyncs: number[] = [];
    client.on("resync", (r) => resyncs.push(r.welcome.roomSeq));
    await client.connect();
    question(room, 0);
    question(room, 1);
    await flush();
    room.socket.drop();
    for (const q of [2, 3, 4, 5]) question(room, q, false);
    room.oldestKept = 5; // 3 and 4 are gone
    await vi.advanceTimersByTimeAsync(100);
    await flush();
    expect(requests(room, 1)).toEqual([
      [T.AUTH, null],
      [T.RESUME, 2],
    ]);
    question(room, 6);
    await flush();
    // The replayed 5 and 6 are in the snapshot (room_seq 6): only the resync and 7 reach the app.
    expect(log).toEqual(["question:1", "question:2", "resync:2->6", "question:7"]);
    expect(resyncs).toEqual([6]);
    expect(client.lastRoomSeq).toBe(7);
    client.close();
  });

  it("resyncs when the room's numbering went back, and follows the new numbering", async () => {
    const { room, client, log } = setup({ lastRoomSeq: 9 });
    question(room, 0, false);
    await client.connect();
    expect(requests(room, 0)).toEqual([[T.AUTH, null]]);
    question(room, 1);
    await flush();
    expect(log).toEqual(["resync:9->1", "question:2"]);
    client.close();
  });
});

describe("sealed outcomes", () => {
  it("opens its own answer at the reveal: reveal, then outcome, then whatever came next", async () => {
    const { room, client, log } = setup();
    const sealed = await sealOutcome(liveroom.Outcome.REVIVED, key, "u1");
    room.handle = (f) => okResponse(f.type, f.seq, { answer: { question: 0, sealed } });
    await client.connect();
    question(room, 0);
    await flush();
    const ack = await client.answer(0, 2);
    expect(ack).toEqual({ ok: true, question: 0, sealed });
    const reveals: Array<[number, number, number[], number]> = [];
    client.on("reveal", (r) => reveals.push([r.question, r.correct, r.counts, r.streamTsMs]));
    room.notify(
      { reveal: { question: 0, correct: 1, key, counts: [3, 5, 2], streamTsMs: 11_000 } },
      T.ANSWER_REVEALED,
    );
    question(room, 1);
    // Web Crypto answers on a macrotask: poll.
    await vi.waitFor(() => expect(log).toEqual(["question:1", "reveal:2", "outcome:0:2", "question:3"]));
    expect(reveals).toEqual([[0, 1, [3, 5, 2], 11_000]]);
    client.close();
  });

  it("opens a result from the snapshot after a gap swallowed the reveal", async () => {
    const { room, client, log } = setup();
    const sealed = await sealOutcome(liveroom.Outcome.OUT_WRONG, key, "u1");
    room.handle = (f) => okResponse(f.type, f.seq, { answer: { question: 0, sealed } });
    await client.connect();
    question(room, 0);
    await flush();
    expect((await client.answer(0, 1)).ok).toBe(true);
    room.socket.drop();
    room.notify({ reveal: { question: 0, correct: 2, key, counts: [0, 1, 0] } }, T.ANSWER_REVEALED, false);
    room.oldestKept = 3;
    const current = { question: 0, text: "Q0", options: ["a", "b", "c"] };
    room.welcome = {
      room: { phase: liveroom.Phase.REVEALED, current, lastReveal: { question: 0, correct: 2, key } },
      player: { status: liveroom.PlayerStatus.OUT, sealed, passed: -1 },
    };
    await vi.advanceTimersByTimeAsync(100);
    await vi.waitFor(() => expect(log).toEqual(["question:1", "resync:1->2", "outcome:0:3"]));
    expect(client.welcome?.player.status).toBe(liveroom.PlayerStatus.OUT);
    client.close();
  });
});
