// The live poll through real sockets in workerd: opening, voting, the totals tick, closing by the
// host and by the timer (the room's test clock, no sleeping), a late joiner's snapshot, an eviction.
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { liveroom } from "../../schema/proto";
import { advanceClock, createActivity, RawClient, roomStub, token, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;
const FAILED = liveroom.Status.FAILED;
const QUESTIONS = [{ text: "q0", options: ["a", "b"], correct: 0 }];
const CHOICES = ["rock", "jazz", "pop"];

async function room() {
  return createActivity({ questions: QUESTIONS });
}

function openPoll(host: RawClient, durationMs = 0, choices = CHOICES, question = "Next song?") {
  return host.request(T.POLL_OPEN, { pollOpen: { question, choices, durationMs } });
}

function vote(client: RawClient, pollId: number, choice: number) {
  return client.request(T.POLL_VOTE, { pollVote: { pollId, choice } });
}

/** Status and code of a response, for exact comparisons. */
const outcome = (r: liveroom.Response) => (r.status === OK ? "ok" : liveroom.Code[r.code]);

function totalsFrames(client: RawClient) {
  return client.frames
    .filter((f) => f.type === T.POLL_TOTALS)
    .map((f) => {
      const t = f.notification!.pollTotals!;
      return {
        roomSeq: f.notification!.roomSeq,
        pollId: t.pollId,
        totals: [...(t.totals ?? [])],
        votes: t.votes,
      };
    });
}

function closedFrames(client: RawClient) {
  return client.frames
    .filter((f) => f.type === T.POLL_CLOSED)
    .map((f) => {
      const c = f.notification!.pollClosed!;
      return {
        roomSeq: f.notification!.roomSeq,
        pollId: c.pollId,
        totals: [...(c.totals ?? [])],
        votes: c.votes,
        timedOut: c.timedOut,
      };
    });
}

async function stats(activityId: string) {
  const r = await roomStub(activityId).control(activityId, { kind: "stats" });
  if (!r.ok) throw new Error(r.message);
  return r.stats;
}

async function welcome(client: RawClient, userId: string) {
  const r = await client.request(T.AUTH, { auth: { token: await token(userId) } });
  expect(r.status).toBe(OK);
  return r.welcome!;
}

describe("a poll opened and closed by the host", () => {
  it("counts one vote per viewer, sends totals per tick, and closes with the final totals", async () => {
    const a = await room();
    const p = uniqueId("poll");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    const [v1, v2, v3] = await Promise.all([1, 2, 3].map((i) => RawClient.join(a.id, `${p}-v${i}`)));
    const [x1, x2, x3] = [v1!, v2!, v3!];

    // Only hosts open and close; a bad poll is refused by the rule, not MALFORMED.
    expect(outcome(await openPoll(x1))).toBe("FORBIDDEN");
    expect(outcome(await openPoll(host, 0, ["only one"]))).toBe("POLL_BAD_REQUEST");
    expect(outcome(await openPoll(host, 1_000))).toBe("POLL_BAD_REQUEST");
    expect(outcome(await vote(x1, 1, 0))).toBe("POLL_NOT_OPEN");

    const opened = await openPoll(host);
    expect(opened.status).toBe(OK);
    const poll = opened.poll!;
    expect(poll).toMatchObject({ id: 1, question: "Next song?", choices: CHOICES, totals: [0, 0, 0] });
    expect(poll.endsAtMs).toBe(0);
    expect(poll.open).toBe(true);
    const shown = await x3.waitForNotification((n) => n.pollOpened != null);
    expect(shown.roomSeq).toBe(1);
    expect(shown.pollOpened).toMatchObject({ id: 1, choices: CHOICES, totals: [0, 0, 0], open: true });
    expect(outcome(await openPoll(host, 0, ["a", "b"], "another?"))).toBe("POLL_ALREADY_OPEN");
    expect(outcome(await x1.request(T.POLL_CLOSE, { pollClose: { pollId: 1 } }))).toBe("FORBIDDEN");

    // First tick: one vote. The test clock moves the room past the tick instead of sleeping.
    const first = await vote(x1, 1, 0);
    expect(first.status).toBe(OK);
    expect(first.pollVote).toMatchObject({ pollId: 1, choice: 0 });
    await roomStub(a.id).advanceClock(600);
    await host.waitForNotification((n) => n.pollTotals != null);

    // Second tick: a bad choice, a second vote (refused, whatever its choice), two more votes.
    expect(outcome(await vote(x3, 1, 3))).toBe("POLL_BAD_CHOICE");
    expect(outcome(await vote(x1, 1, 1))).toBe("POLL_ALREADY_VOTED");
    const twice = await vote(x1, 1, 0);
    expect(twice.code).toBe(C.POLL_ALREADY_VOTED);
    expect(twice.message).toBe("you voted for choice 0 in poll 1: the first vote counts");
    expect(outcome(await vote(x2, 2, 0))).toBe("POLL_NOT_OPEN");
    const [r2, r3] = await Promise.all([vote(x2, 1, 0), vote(x3, 1, 1)]);
    expect([outcome(r2!), outcome(r3!)]).toEqual(["ok", "ok"]);
    await host.waitForNotification((n) => n.pollTotals?.votes === 3);
    // A second later on the room's clock, with every due task run: any further tick would be here.
    await advanceClock(a.id, 1_000);
    await runDurableObjectAlarm(roomStub(a.id));
    for (const c of [host, x1, x2, x3]) await c.flush();
    // Unnumbered, at most one per tick, only when they moved: nothing more while nobody votes.
    for (const c of [host, x1, x2, x3]) {
      expect(totalsFrames(c)).toEqual([
        { roomSeq: 0, pollId: 1, totals: [1, 0, 0], votes: 1 },
        { roomSeq: 0, pollId: 1, totals: [2, 1, 0], votes: 3 },
      ]);
    }

    const closed = await host.request(T.POLL_CLOSE, { pollClose: { pollId: 1 } });
    expect(closed.status).toBe(OK);
    expect(closed.poll).toMatchObject({ id: 1, totals: [2, 1, 0], open: false });
    for (const c of [host, x1, x2, x3]) {
      await c.waitForNotification((n) => n.pollClosed != null);
      expect(closedFrames(c)).toEqual([
        { roomSeq: 2, pollId: 1, totals: [2, 1, 0], votes: 3, timedOut: false },
      ]);
    }
    expect(outcome(await vote(x2, 1, 2))).toBe("POLL_NOT_OPEN");
    expect(outcome(await host.request(T.POLL_CLOSE, { pollClose: { pollId: 1 } }))).toBe("POLL_NOT_OPEN");
    expect(await stats(a.id)).toMatchObject({ pollsOpened: 1, pollVotes: 3 });

    // The next poll opens with id 2 and fresh totals; the old votes do not carry over.
    const next = await openPoll(host, 0, ["yes", "no"], "Encore?");
    expect(next.poll).toMatchObject({ id: 2, totals: [0, 0] });
    expect(outcome(await vote(x1, 2, 1))).toBe("ok");
    expect(await stats(a.id)).toMatchObject({ pollsOpened: 2, pollVotes: 4 });
    for (const c of [host, x1, x2, x3]) c.close();
  });
});

describe("a poll closed by its timer", () => {
  it("closes on the room's clock: a vote after the time is up is POLL_NOT_OPEN, one POLL_CLOSED, timed out", async () => {
    const a = await room();
    const p = uniqueId("timer");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    const [v1, v2] = await Promise.all([1, 2].map((i) => RawClient.join(a.id, `${p}-v${i}`)));
    const opened = await openPoll(host, 5_000, ["a", "b"], "Quick one?");
    expect(opened.status).toBe(OK);
    const { openedAtMs, endsAtMs } = opened.poll!;
    expect(Number(endsAtMs) - Number(openedAtMs)).toBe(5_000);
    expect(outcome(await vote(v1!, 1, 1))).toBe("ok");
    expect(outcome(await vote(v2!, 1, 1))).toBe("ok");

    const stub = roomStub(a.id);
    const now = await stub.advanceClock(5_000);
    expect(now).toBeGreaterThanOrEqual(Number(endsAtMs));
    // The room's clock decides, even before the timer task has run.
    expect(outcome(await vote(host, 1, 0))).toBe("POLL_NOT_OPEN");
    await runDurableObjectAlarm(stub);
    await v1!.waitForNotification((n) => n.pollClosed != null);
    // Alarms fire at least once: a second run closes nothing twice.
    await runDurableObjectAlarm(stub);
    for (const c of [host, v1!, v2!]) await c.flush();
    for (const c of [host, v1!, v2!]) {
      expect(closedFrames(c)).toEqual([{ roomSeq: 2, pollId: 1, totals: [0, 2], votes: 2, timedOut: true }]);
    }
    expect(outcome(await host.request(T.POLL_CLOSE, { pollClose: { pollId: 1 } }))).toBe("POLL_NOT_OPEN");
    // The timer closed it: a new poll may open.
    expect(outcome(await openPoll(host))).toBe("ok");
    for (const c of [host, v1!, v2!]) c.close();
  });
});

describe("a late joiner", () => {
  it("sees the open poll with its totals and their own vote in the welcome, and nothing once it closed", async () => {
    const a = await room();
    const p = uniqueId("late");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    const early = await RawClient.join(a.id, `${p}-early`);
    expect(outcome(await openPoll(host, 60_000))).toBe("ok");
    expect(outcome(await vote(early, 1, 2))).toBe("ok");

    // The same viewer on a second device, and someone who has not voted.
    const again = await RawClient.join(a.id, `${p}-early`);
    const mine = await welcome(again, `${p}-early`);
    expect(mine.room!.poll).toMatchObject({
      id: 1,
      question: "Next song?",
      choices: CHOICES,
      totals: [0, 0, 1],
    });
    expect(mine.room!.poll!.open).toBe(true);
    expect(Number(mine.room!.poll!.endsAtMs) - Number(mine.room!.poll!.openedAtMs)).toBe(60_000);
    expect(mine.player!.pollChoice).toBe(2);
    expect(outcome(await vote(again, 1, 0))).toBe("POLL_ALREADY_VOTED");

    const late = await RawClient.join(a.id, `${p}-late`);
    const theirs = await welcome(late, `${p}-late`);
    expect(theirs.room!.poll).toMatchObject({ id: 1, totals: [0, 0, 1] });
    expect(theirs.player!.pollChoice).toBe(-1);

    expect(outcome(await host.request(T.POLL_CLOSE, { pollClose: { pollId: 1 } }))).toBe("ok");
    const after = await welcome(await RawClient.join(a.id, `${p}-later`), `${p}-later`);
    expect(after.room!.poll).toBeNull();
    expect(after.player!.pollChoice).toBe(-1);
    for (const c of [host, early, again, late]) c.close();
  });
});

describe("the room evicted mid-poll", () => {
  it("loses no vote and counts none twice; the timer survives it", async () => {
    const a = await room();
    const p = uniqueId("evict");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    const [v1, v2, v3] = await Promise.all([1, 2, 3].map((i) => RawClient.join(a.id, `${p}-v${i}`)));
    const stub = roomStub(a.id);
    expect(outcome(await openPoll(host, 30_000))).toBe("ok");
    expect(outcome(await vote(v1!, 1, 0))).toBe("ok");
    expect(outcome(await vote(v2!, 1, 2))).toBe("ok");

    await evictDurableObject(stub);

    // The same sockets keep working; the votes before the eviction still count, once.
    expect(outcome(await vote(v1!, 1, 1))).toBe("POLL_ALREADY_VOTED");
    expect(outcome(await vote(v3!, 1, 2))).toBe("ok");
    expect(await stats(a.id)).toMatchObject({ pollsOpened: 1, pollVotes: 3 });
    const w = await welcome(await RawClient.join(a.id, `${p}-v2`), `${p}-v2`);
    expect(w.room!.poll).toMatchObject({ id: 1, totals: [1, 0, 2] });
    expect(w.player!.pollChoice).toBe(2);

    // Evicted again, then its time runs out: the timer row survived and closes it with every vote.
    await evictDurableObject(stub);
    await stub.advanceClock(30_000);
    await runDurableObjectAlarm(stub);
    await host.waitForNotification((n) => n.pollClosed != null);
    expect(closedFrames(host)).toEqual([
      { roomSeq: 2, pollId: 1, totals: [1, 0, 2], votes: 3, timedOut: true },
    ]);
    expect(await stats(a.id)).toMatchObject({ pollsOpened: 1, pollVotes: 3 });
    for (const c of [host, v1!, v2!, v3!]) c.close();
  });
});

describe("poll frames that do not fit", () => {
  it("a POLL_VOTE type with another payload is MALFORMED; poll content is the rule's POLL_BAD_REQUEST", async () => {
    const a = await room();
    const p = uniqueId("shape");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    const mismatch = await host.request(T.POLL_VOTE, { pollOpen: { question: "?", choices: ["a", "b"] } });
    expect(outcome(mismatch)).toBe("MALFORMED");
    const long = await openPoll(host, 0, ["a", "x".repeat(61)]);
    expect({ status: long.status, code: outcome(long), message: long.message }).toEqual({
      status: FAILED,
      code: "POLL_BAD_REQUEST",
      message: "choice 1 is over 60 characters",
    });
    await vi.waitUntil(async () => (await stats(a.id)).pollsOpened === 0);
    host.close();
  });
});
