import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { liveroom } from "../../schema/proto";
import { createActivity, createUser, RawClient, roomStub, token, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;

const QUESTIONS = [
  { text: "q0", options: ["a", "b", "c"], correct: 2 },
  { text: "q1", options: ["a", "b"], correct: 0 },
];

describe("the room evicted mid-game", () => {
  it("loses nothing and counts nothing twice, mid-question and mid-reveal", async () => {
    const activity = await createActivity({
      questions: QUESTIONS,
      prizePoolCents: 1_001,
      answerWindowMs: 5_000,
    });
    const p = uniqueId("ev");
    const names = ["a", "b", "c", "d", "e"].map((n) => `${p}-${n}`);
    await createUser(names[3]!, 1);
    const host = await RawClient.join(activity.id, `${p}-host`, "host");
    const players = await Promise.all(names.map((id) => RawClient.join(activity.id, id)));
    const [a, b, c, d, e] = players as [RawClient, RawClient, RawClient, RawClient, RawClient];
    const stub = roomStub(activity.id);
    const stats = async () => {
      const r = await stub.control(activity.id, { kind: "stats" });
      if (!r.ok) throw new Error(r.message);
      return r.stats;
    };

    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 0 } })).status).toBe(OK);
    await e.waitForNotification((n) => n.question != null);
    expect((await a.answer(0, 2)).status).toBe(OK);
    expect((await b.answer(0, 2)).status).toBe(OK);
    expect((await d.answer(0, 0)).status).toBe(OK); // wrong, revived by her card

    await evictDurableObject(stub);

    // The same sockets keep working; the answers before the eviction still count once.
    expect((await a.answer(0, 1)).code).toBe(C.ALREADY_ANSWERED);
    expect((await c.answer(0, 2)).status).toBe(OK);
    expect((await e.answer(0, 1)).status).toBe(OK); // wrong, out
    expect(await stats()).toMatchObject({ phase: "asking", players: 5, alive: 4, counts: [1, 1, 3] });

    await evictDurableObject(stub);
    expect((await host.request(T.REVEAL, { reveal: { question: 0 } })).status).toBe(OK);
    const r0 = (await a.waitForNotification((n) => n.reveal != null)).reveal!;
    expect(r0.counts).toEqual([1, 1, 3]);

    // Evicted right after the reveal: a reconnecting player gets the same reveal in its snapshot.
    await evictDurableObject(stub);
    const e2 = await RawClient.join(activity.id, names[4]!);
    const welcome = (await e2.request(T.AUTH, { auth: { token: await token(names[4]!) } })).welcome!;
    expect(welcome.room!.phase).toBe(liveroom.Phase.REVEALED);
    expect(welcome.room!.lastReveal!.counts).toEqual([1, 1, 3]);
    expect([...welcome.room!.lastReveal!.key!]).toEqual([...r0.key!]);
    expect(welcome.player!.status).toBe(liveroom.PlayerStatus.OUT);

    expect((await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 1 } })).status).toBe(OK);
    await a.waitForNotification((n) => n.question?.question === 1);
    expect((await a.answer(1, 0)).status).toBe(OK);
    expect((await d.answer(1, 0)).status).toBe(OK);
    await evictDurableObject(stub);
    expect((await b.answer(1, 0)).status).toBe(OK);
    expect((await c.answer(1, 1)).status).toBe(OK); // wrong, out
    expect((await d.answer(1, 1)).code).toBe(C.ALREADY_ANSWERED);
    expect((await host.request(T.REVEAL, { reveal: { question: 1 } })).status).toBe(OK);
    const end = await host.request(T.END, { end: {} });
    expect(end.status).toBe(OK);
    // a, b, d survive: 1,001 cents = 334 + 334 + 333, the extra cents to the first two ids.
    const over = (await e.waitForNotification((n) => n.gameOver != null)).gameOver!;
    expect(over).toMatchObject({ prizePoolCents: 1_001, winners: 3, baseShareCents: 333, remainder: 2 });
    for (const [client, cents] of [
      [a, 334],
      [b, 334],
      [d, 333],
    ] as const) {
      await vi.waitUntil(() => client.frames.some((f) => f.notification?.prize));
      expect(client.frames.find((f) => f.notification?.prize)!.notification!.prize!.cents).toBe(cents);
    }
    expect(e.notifications().map((n) => n.roomSeq)).toEqual([1, 2, 3, 4, 5, 6]);
  }, 20_000);
});
