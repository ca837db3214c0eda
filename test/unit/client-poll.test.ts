// The SDK's poll parts: the requests it sends, the answers and codes it returns, the typed events
// and the snapshot fields, against a scripted room.
import { describe, expect, it } from "vitest";
import { decodeInbound, LiveroomClient, liveroom, type RoomNotification } from "../../client/index.js";
import { encode, FakeRoom, failedResponse, flush, okResponse } from "./client-fake-room.js";

const T = liveroom.Type;
const C = liveroom.Code;

const POLL = {
  id: 3,
  question: "Next song?",
  choices: ["rock", "jazz", "pop"],
  totals: [0, 0, 0],
  openedAtMs: 1_700_000_000_000,
  endsAtMs: 1_700_000_060_000,
  open: true,
};

async function connected(welcome: Partial<liveroom.Welcome.$Properties> = {}) {
  const room = new FakeRoom();
  room.welcome = welcome;
  const client = new LiveroomClient({ connector: room.connector, token: "jwt-1" });
  const hello = await client.connect();
  if (!hello.ok) throw new Error(hello.codeName);
  return { room, client, welcome: hello.welcome };
}

describe("poll requests", () => {
  it("openPoll, closePoll and vote send their frames and return the room's answers", async () => {
    const { room, client } = await connected();
    room.handle = (f) => {
      if (f.type === T.POLL_OPEN) return okResponse(f.type, f.seq, { poll: POLL });
      if (f.type === T.POLL_VOTE) return okResponse(f.type, f.seq, { pollVote: { pollId: 3, choice: 2 } });
      return okResponse(f.type, f.seq, { poll: { ...POLL, totals: [4, 0, 1], open: false } });
    };
    expect(await client.openPoll("Next song?", ["rock", "jazz", "pop"], 60_000)).toEqual({
      ok: true,
      poll: POLL,
    });
    expect(await client.vote(3, 2)).toEqual({ ok: true, pollId: 3, choice: 2 });
    expect(await client.closePoll(3)).toEqual({
      ok: true,
      poll: { ...POLL, totals: [4, 0, 1], open: false },
    });
    const [, open, vote, close] = room.socket.frames();
    expect(open).toMatchObject({
      type: T.POLL_OPEN,
      request: { pollOpen: { question: "Next song?", choices: ["rock", "jazz", "pop"], durationMs: 60_000 } },
    });
    expect(vote).toMatchObject({ type: T.POLL_VOTE, request: { pollVote: { pollId: 3, choice: 2 } } });
    expect(close).toMatchObject({ type: T.POLL_CLOSE, request: { pollClose: { pollId: 3 } } });
  });

  it("returns the poll codes as values, by number and name", async () => {
    const { room, client } = await connected();
    room.handle = (f) => failedResponse(f.type, f.seq, C.POLL_ALREADY_VOTED, "the first vote counts");
    expect(await client.vote(3, 0)).toEqual({
      ok: false,
      code: 604,
      codeName: "POLL_ALREADY_VOTED",
      message: "the first vote counts",
    });
    room.handle = (f) => failedResponse(f.type, f.seq, C.POLL_ALREADY_OPEN, "close it first");
    expect(await client.openPoll("?", ["a", "b"])).toMatchObject({ ok: false, code: 601 });
    expect(room.socket.frames().at(-1)!.request!.pollOpen).toMatchObject({ durationMs: 0 });
  });
});

describe("poll events and snapshot", () => {
  it("emits pollOpened, pollTotals and pollClosed in order, numbered ones sequenced", async () => {
    const { room, client } = await connected();
    const seen: RoomNotification[] = [];
    client.on("pollOpened", (n) => seen.push(n));
    client.on("pollTotals", (n) => seen.push(n));
    client.on("pollClosed", (n) => seen.push(n));
    room.notify({ pollOpened: POLL }, T.POLL_OPENED);
    await flush();
    room.later(
      room.socket,
      encode({
        type: T.POLL_TOTALS,
        notification: { roomSeq: 0, pollTotals: { pollId: 3, totals: [2, 0, 1], votes: 3 } },
      }),
    );
    await flush();
    room.notify({ pollClosed: { pollId: 3, totals: [2, 1, 1], votes: 4, timedOut: true } }, T.POLL_CLOSED);
    await flush();
    expect(seen).toEqual([
      { kind: "pollOpened", roomSeq: 1, ...POLL },
      { kind: "pollTotals", roomSeq: 0, pollId: 3, totals: [2, 0, 1], votes: 3 },
      { kind: "pollClosed", roomSeq: 2, pollId: 3, totals: [2, 1, 1], votes: 4, timedOut: true },
    ]);
    expect(client.lastRoomSeq).toBe(2);
  });

  it("reads the open poll and the player's choice from the Welcome; -1 and undefined when absent", async () => {
    const withPoll = await connected({
      room: { poll: { ...POLL, totals: [1, 0, 5] } },
      player: { pollChoice: 2 },
    });
    expect(withPoll.welcome.room.poll).toEqual({ ...POLL, totals: [1, 0, 5] });
    expect(withPoll.welcome.player.pollChoice).toBe(2);
    const without = await connected();
    expect(without.welcome.room.poll).toBeUndefined();
    expect(without.welcome.player.pollChoice).toBe(-1);
  });

  it("decodes a timer-less poll with ends_at 0 and the stats' poll figures", () => {
    const opened = decodeInbound(
      encode({ type: T.POLL_OPENED, notification: { roomSeq: 9, pollOpened: { ...POLL, endsAtMs: 0 } } }),
    );
    expect(opened).toMatchObject({ kind: "notification", notification: { kind: "pollOpened", endsAtMs: 0 } });
    const stats = decodeInbound(
      okResponse(T.STATS, 4, { stats: { pollsOpened: 2, pollVotes: 17, currentQuestion: -1 } }),
    );
    expect(stats.kind === "response" && stats.response.result).toMatchObject({
      kind: "stats",
      stats: { pollsOpened: 2, pollVotes: 17 },
    });
  });
});
