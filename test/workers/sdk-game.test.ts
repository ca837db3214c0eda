import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { commit, fetchConnector, LiveroomClient } from "../../client/index";
import { liveroom } from "../../schema/proto";
import { createActivity, createUser, token, uniqueId, hostActivity } from "./support/raw-client";

// The SDK against the real room and Worker: token in the URL, verified by the Worker.
const fetcher = (url: string, init: RequestInit) => exports.default.fetch(url, init);
const clients: LiveroomClient[] = [];

async function join(
  activityId: string,
  userId: string,
  role: "viewer" | "host" = "viewer",
  lastRoomSeq?: number,
) {
  if (role === "host") await hostActivity(activityId, userId);
  const client = new LiveroomClient({
    ...(lastRoomSeq === undefined ? {} : { lastRoomSeq }),
    token: await token(userId, role),
    connector: fetchConnector("http://liveroom.test", activityId, fetcher),
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
  });
  clients.push(client);
  const hello = await client.connect();
  expect(hello.ok).toBe(true);
  return client;
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe("the SDK against the real room", () => {
  it("plays a game: sealed outcomes open at the reveal, prizes arrive, a dropped client resumes exactly", async () => {
    const activity = await createActivity({
      prizePoolCents: 999,
      questions: [
        { text: "q0", options: ["a", "b"], correct: 0 },
        { text: "q1", options: ["a", "b", "c"], correct: 2 },
      ],
    });
    const p = uniqueId("sdk");
    await createUser(`${p}-r`, 1);
    const host = await join(activity.id, `${p}-host`, "host");
    const right = await join(activity.id, `${p}-a`);
    const revived = await join(activity.id, `${p}-r`);
    const dropper = await join(activity.id, `${p}-d`);
    const outcomes: [string, number, number][] = [];
    for (const [name, c] of [
      ["right", right],
      ["revived", revived],
      ["dropper", dropper],
    ] as const) {
      c.on("outcome", (o) => outcomes.push([name, o.question, o.outcome]));
    }
    const seen: number[] = [];
    dropper.on("notification", (n) => seen.push(n.roomSeq ?? 0));

    expect((await host.open()).ok).toBe(true);
    const question = right.next("question");
    expect((await host.pushQuestion(0, 1_000)).ok).toBe(true);
    const pushed = await question;
    expect(pushed).toMatchObject({ question: 0, streamTsMs: 1_000, roomSeq: 2 });
    // The QUESTION frame commits to the correct option (docs/protocol.md, "Provably fair reveals").
    expect(pushed.commitment).toHaveLength(32);
    expect((await right.answer(0, 0)).ok).toBe(true);
    expect((await revived.answer(0, 1)).ok).toBe(true);
    expect((await dropper.answer(0, 0)).ok).toBe(true);
    const late = await right.answer(0, 1);
    expect(late.ok ? null : late.codeName).toBe("ALREADY_ANSWERED");
    const revealed = right.next("reveal");
    expect((await host.reveal(0, 2_000)).ok).toBe(true);
    const reveal = await revealed;
    expect(reveal).toMatchObject({ question: 0, correct: 0, verified: true });
    expect(reveal.salt).toHaveLength(16);
    expect(await commit(reveal.key, activity.id, 0, 0, reveal.salt)).toEqual(pushed.commitment);
    await expect.poll(() => outcomes.length).toBe(3);
    expect(outcomes.sort()).toEqual([
      ["dropper", 0, liveroom.Outcome.CORRECT],
      ["revived", 0, liveroom.Outcome.REVIVED],
      ["right", 0, liveroom.Outcome.CORRECT],
    ]);

    // The dropper goes away; question 1 is pushed while it is gone; it comes back and resumes.
    const before = dropper.lastRoomSeq;
    expect(before).toBe(3);
    dropper.close();
    expect((await host.pushQuestion(1, 3_000)).ok).toBe(true);
    const back = await join(activity.id, `${p}-d`, "viewer", before);
    back.on("notification", (n) => seen.push(n.roomSeq ?? 0));
    await expect.poll(() => back.lastRoomSeq).toBe(4);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect((await back.answer(1, 2)).ok).toBe(true);
    expect((await right.answer(1, 2)).ok).toBe(true);
    expect((await revived.answer(1, 2)).ok).toBe(true);
    // The resumed client got question 1 (and its commitment) from the RESUME replay: it verifies the reveal.
    const backReveal = back.next("reveal");
    expect((await host.reveal(1, 4_000)).ok).toBe(true);
    expect(await backReveal).toMatchObject({ question: 1, correct: 2, verified: true });
    const prize = right.next("prize");
    expect((await host.end()).ok).toBe(true);
    // 999 cents for three winners: 333 each, no remainder.
    expect((await prize).cents).toBe(333);
    // Numbered notifications exactly once and in order, then the personal (unnumbered) prize.
    await expect.poll(() => seen).toEqual([1, 2, 3, 4, 5, 6, 0]);
  }, 20_000);

  it("turns a forged token into TOKEN_INVALID without touching the room", async () => {
    const activity = await createActivity({ questions: [{ text: "q", options: ["a", "b"], correct: 0 }] });
    const client = new LiveroomClient({
      token: "forged.token.value",
      connector: fetchConnector("http://liveroom.test", activity.id, fetcher),
    });
    clients.push(client);
    const hello = await client.connect();
    expect(hello.ok ? null : hello.code).toBe(liveroom.Code.TOKEN_INVALID);
  });
});
