import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { commit, verifyReveal } from "../../client/commitment";
import { unsealOutcome } from "../../client/seal";
import type { LiveRoom } from "../../durable-objects/live-room";
import { liveroom } from "../../schema/proto";
import {
  advanceClock,
  createActivity,
  createUser,
  RawClient,
  roomStub,
  token,
  uniqueId,
} from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;

const QUESTIONS = [
  { text: "2 + 2?", options: ["3", "4"], correct: 1 },
  { text: "Capital of France?", options: ["Paris", "Rome", "Oslo"], correct: 0 },
  { text: "Largest planet?", options: ["Mars", "Venus", "Earth", "Jupiter"], correct: 3 },
];

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe("a whole game through real sockets", () => {
  it("eliminates, revives once, rejects late and double answers, and splits the pool exactly", async () => {
    const activity = await createActivity({
      questions: QUESTIONS,
      prizePoolCents: 100_000,
      answerWindowMs: 1_000,
    });
    const p = uniqueId("p");
    const ids = {
      alice: `${p}-alice`,
      bob: `${p}-bob`,
      carol: `${p}-carol`,
      dave: `${p}-dave`,
      erin: `${p}-erin`,
      frank: `${p}-frank`,
      gina: `${p}-gina`,
    };
    await createUser(ids.carol, 2);
    await createUser(ids.frank, 1);
    const host = await RawClient.join(activity.id, `${p}-host`, "host");
    const c = Object.fromEntries(
      await Promise.all(
        Object.entries(ids).map(async ([name, id]) => [name, await RawClient.join(activity.id, id)]),
      ),
    ) as Record<keyof typeof ids, RawClient>;
    const everyone = [host, ...Object.values(c)];

    // A viewer may not run the show.
    expect((await c.alice.request(T.OPEN, { open: {} })).code).toBe(C.FORBIDDEN);
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    expect((await c.alice.answer(0, 1)).code).toBe(C.NOT_RUNNING);
    const status = async () =>
      (
        await env.DB.prepare("SELECT status FROM activities WHERE id = ?")
          .bind(activity.id)
          .first<{ status: string }>()
      )?.status;
    expect(await status()).toBe("live");

    // Question 0.
    expect(
      (await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 0, streamTsMs: 60_000 } })).status,
    ).toBe(OK);
    const q0 = await c.alice.waitForNotification((n) => n.question != null);
    expect(q0.question).toMatchObject({
      question: 0,
      text: "2 + 2?",
      options: ["3", "4"],
      streamTsMs: 60_000,
    });
    const acks = new Map<string, Uint8Array>();
    const answer = async (name: keyof typeof ids, q: number, option: number) => {
      const res = await c[name].answer(q, option);
      if (res.status === OK) acks.set(`${name}:${q}`, res.answer!.sealed!);
      return res;
    };
    for (const [name, option] of [
      ["alice", 1],
      ["bob", 0],
      ["carol", 1],
      ["dave", 1],
      ["erin", 1],
      ["frank", 1],
    ] as const) {
      expect((await answer(name, 0, option)).status).toBe(OK);
    }
    expect((await c.dave.answer(0, 0)).code).toBe(C.ALREADY_ANSWERED);
    expect((await c.alice.answer(0, 5)).code).toBe(C.BAD_OPTION);
    expect((await c.alice.answer(1, 0)).code).toBe(C.NOT_CURRENT_QUESTION);
    expect((await c.alice.answer(7, 0)).code).toBe(C.UNKNOWN_QUESTION);

    // Before the reveal nobody holds the key nor the salt: no frame anyone received contains them.
    const [key0, salt0] = await runInDurableObject(roomStub(activity.id), async (_room: LiveRoom, state) => {
      const row = state.storage.sql.exec<{ body: string }>("SELECT body FROM quiz_state").one();
      const { keyB64, saltB64 } = JSON.parse(row.body).current as { keyB64: string; saltB64: string };
      return [keyB64, saltB64].map((b64) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)));
    });
    expect(key0!.length).toBe(16);
    expect(salt0!.length).toBe(16);
    for (const client of everyone) {
      for (const f of client.frames) {
        expect(contains(liveroom.Frame.encode(f).finish(), key0!)).toBe(false);
        expect(contains(liveroom.Frame.encode(f).finish(), salt0!)).toBe(false);
      }
    }
    // The QUESTION frame committed to option 1 with that key and salt (docs/protocol.md).
    expect([...q0.question!.commitment!]).toEqual([...(await commit(key0!, activity.id, 0, 1, salt0!))]);

    // Bob (wrong, out) reconnects before the reveal: his snapshot still shows him playing, sealed.
    const bobAgain = await RawClient.join(activity.id, ids.bob);
    const bobView = (await bobAgain.request(T.AUTH, { auth: { token: await token(ids.bob) } })).welcome!
      .player!;
    expect(bobView.status).toBe(liveroom.PlayerStatus.PLAYING);
    expect([...bobView.sealed!]).toEqual([...acks.get("bob:0")!]);
    bobAgain.close();

    expect((await host.request(T.REVEAL, { reveal: { question: 0, streamTsMs: 70_000 } })).status).toBe(OK);
    const r0 = (await c.bob.waitForNotification((n) => n.reveal != null)).reveal!;
    expect(r0.question).toBe(0);
    expect(r0.correct).toBe(1);
    expect(r0.counts).toEqual([1, 5]);
    expect(r0.streamTsMs).toBe(70_000);
    expect([...r0.key!]).toEqual([...key0!]);
    expect([...r0.salt!]).toEqual([...salt0!]);
    expect(await verifyReveal(q0.question!, r0, activity.id)).toBe(true);
    const unseal = (name: keyof typeof ids, q: number, key: Uint8Array) =>
      unsealOutcome(acks.get(`${name}:${q}`)!, key, ids[name]);
    expect(await unseal("alice", 0, r0.key!)).toBe(liveroom.Outcome.CORRECT);
    expect(await unseal("bob", 0, r0.key!)).toBe(liveroom.Outcome.OUT_WRONG);
    expect(await unseal("dave", 0, r0.key!)).toBe(liveroom.Outcome.CORRECT);

    // Question 1: carol is wrong and revived, erin is late, frank does not answer, gina never played.
    expect(
      (await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 1, streamTsMs: 90_000 } })).status,
    ).toBe(OK);
    await c.alice.waitForNotification((n) => n.question?.question === 1);
    for (const [name, option] of [
      ["alice", 0],
      ["carol", 2],
      ["dave", 0],
    ] as const) {
      expect((await answer(name, 1, option)).status).toBe(OK);
    }
    expect((await c.bob.answer(1, 0)).code).toBe(C.ELIMINATED);
    expect((await c.gina.answer(1, 0)).code).toBe(C.MISSED_EARLIER);
    // Past the deadline and the grace on the room's clock: the room's alarm closes the window on its own.
    await advanceClock(activity.id, 1_500);
    await runDurableObjectAlarm(roomStub(activity.id));
    const closed = await roomStub(activity.id).control(activity.id, { kind: "stats" });
    expect(closed.ok && closed.stats.phase).toBe("closed");
    expect((await c.erin.answer(1, 0)).code).toBe(C.TOO_LATE);
    expect((await host.request(T.REVEAL, { reveal: { question: 1, streamTsMs: 100_000 } })).status).toBe(OK);
    const r1 = (await c.alice.waitForNotification((n) => n.reveal?.question === 1)).reveal!;
    expect(r1.counts).toEqual([2, 0, 1]);
    expect(await unseal("carol", 1, r1.key!)).toBe(liveroom.Outcome.REVIVED);

    // Question 2: carol is wrong again; her second card cannot save her twice.
    expect(
      (await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 2, streamTsMs: 120_000 } })).status,
    ).toBe(OK);
    await c.alice.waitForNotification((n) => n.question?.question === 2);
    for (const [name, option] of [
      ["alice", 3],
      ["carol", 0],
      ["dave", 3],
      ["frank", 3],
    ] as const) {
      expect((await answer(name, 2, option)).status).toBe(OK);
    }
    expect((await c.erin.answer(2, 3)).code).toBe(C.ELIMINATED);
    expect((await host.request(T.REVEAL, { reveal: { question: 2, streamTsMs: 130_000 } })).status).toBe(OK);
    const r2 = (await c.alice.waitForNotification((n) => n.reveal?.question === 2)).reveal!;
    expect(r2.counts).toEqual([1, 0, 0, 3]);
    expect(await unseal("carol", 2, r2.key!)).toBe(liveroom.Outcome.OUT_WRONG);
    expect(await unseal("frank", 2, r2.key!)).toBe(liveroom.Outcome.CORRECT);

    // The end: alice, dave and frank share 100,000 cents; alice (first by id) gets the extra cent.
    const end = await host.request(T.END, { end: {} });
    expect(end.status).toBe(OK);
    expect(end.stats).toMatchObject({ phase: liveroom.Phase.ENDED, players: 6, alive: 3 });
    expect(await status()).toBe("ended");
    const over = (await c.gina.waitForNotification((n) => n.gameOver != null)).gameOver!;
    expect(over).toMatchObject({ prizePoolCents: 100_000, winners: 3, baseShareCents: 33_333, remainder: 1 });
    for (const [name, cents] of [
      ["alice", 33_334],
      ["dave", 33_333],
      ["frank", 33_333],
    ] as const) {
      await vi.waitUntil(() => c[name].frames.some((f) => f.notification?.prize));
      expect(c[name].frames.find((f) => f.notification?.prize)!.notification!.prize!.cents).toBe(cents);
    }
    for (const name of ["bob", "carol", "erin", "gina"] as const) {
      expect(c[name].frames.some((f) => f.notification?.prize)).toBe(false);
    }

    // Every room notification was numbered 1..n and reached every socket in order.
    const seqs = c.gina.notifications().map((n) => n.roomSeq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // The outbox holds exactly the three prizes and the two revival cards used.
    const outbox = await runInDurableObject(roomStub(activity.id), async (_room: LiveRoom, state) =>
      state.storage.sql.exec<{ body: string }>("SELECT body FROM outbox ORDER BY key").toArray(),
    );
    const bodies = outbox.map((r) => JSON.parse(r.body));
    expect(bodies.filter((b) => b.kind === "prize").map((b) => [b.userId, b.amountCents])).toEqual([
      [ids.alice, 33_334],
      [ids.dave, 33_333],
      [ids.frank, 33_333],
    ]);
    expect(bodies.filter((b) => b.kind === "revival_card").map((b) => [b.userId, b.question])).toEqual([
      [ids.carol, 1],
      [ids.frank, 1],
    ]);
    for (const client of everyone) client.close();
  }, 20_000);
});
