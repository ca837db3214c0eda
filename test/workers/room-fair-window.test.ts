// Fair answer windows through a real room (docs/protocol.md, "Fair answer windows"): the activity's
// stream-delay budget reaches the question from D1, an answer that reports its player's position is
// judged from when that viewer showed the question, one without a position from the push, and nobody
// past push + window + budget + grace, whatever they report. The room's clock is advanced, not slept.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { toStamp } from "../../client/stream-time";
import { liveroom } from "../../schema/proto";
import { advanceClock, createActivity, RawClient, roomStub, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;
const WINDOW = 4_000;
const BUDGET = 6_000;
const GRACE = 500; // ANSWER_GRACE_MS
// The host saw this picture when it pushed (program-date-time ms).
const HOST_PICTURE = Date.parse("2026-01-01T20:00:30.000Z");

const answer = (c: RawClient, option: number, picture?: number) =>
  c.request(T.ANSWER, {
    answer: { question: 0, option, streamPosMs: picture === undefined ? 0 : toStamp(picture) },
  });

describe("fair answer windows in the room", () => {
  it("counts each window from when the viewer's picture reached the host's, within the budget", async () => {
    const activity = await createActivity({
      questions: [{ text: "2 + 2?", options: ["3", "4"], correct: 1 }],
      answerWindowMs: WINDOW,
      streamUrl: "https://video.example/live.m3u8",
      streamDelayBudgetMs: BUDGET,
    });
    const p = uniqueId("fair");
    const host = await RawClient.join(activity.id, `${p}-host`, "host");
    const [early, behind, liar, late, silent] = await Promise.all(
      ["early", "behind", "liar", "late", "silent"].map((n) => RawClient.join(activity.id, `${p}-${n}`)),
    );
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    const stamp = toStamp(HOST_PICTURE);
    expect(
      (await host.request(T.PUSH_QUESTION, { pushQuestion: { question: 0, streamTsMs: stamp } })).status,
    ).toBe(OK);
    // The room's clock moves only when the test moves it: the edges below are exact under any load.
    await roomStub(activity.id).holdClock(true);
    const pushed = (await behind!.waitForNotification((n) => n.question != null)).question!;
    expect(pushed.delayBudgetMs).toBe(BUDGET);
    expect(Number(pushed.windowMs)).toBe(WINDOW);

    // push + 5 s: "early" (no delay) reports a picture 5 s past the stamp — its window ended at push + 4 s.
    await advanceClock(activity.id, 5_000);
    expect((await answer(early!, 1, HOST_PICTURE + 5_000)).code).toBe(C.TOO_LATE);
    // A silent page (no position) counts from the push too.
    expect((await answer(silent!, 1)).code).toBe(C.TOO_LATE);

    // push + 8 s: "behind" trails the host by 4.5 s, so its picture is 3.5 s past the stamp: in time.
    await advanceClock(activity.id, 3_000);
    const ok = await answer(behind!, 1, HOST_PICTURE + 3_500);
    expect(ok.status).toBe(OK);
    expect(ok.answer?.question).toBe(0);

    // Just before push + window + budget + grace (250 ms of slack: the room's clock also runs in real
    // time while the test talks to it; the exact edges are in test/unit/quiz/fair-window.test.ts), a
    // cheater who read the frame at the push and claims its picture reached the stamp only now is
    // still in time — the most a lie gains is the budget.
    await advanceClock(activity.id, WINDOW + BUDGET + GRACE - 250 - 8_000);
    expect((await answer(liar!, 1, HOST_PICTURE)).status).toBe(OK);
    // Past it nothing is in time, whatever the position says.
    await advanceClock(activity.id, 500);
    expect((await answer(late!, 1, HOST_PICTURE)).code).toBe(C.TOO_LATE);
    expect((await answer(late!, 1, HOST_PICTURE - 60_000)).code).toBe(C.TOO_LATE);

    // The room closed the window at push + window + budget + grace (the alarm settles who did not answer).
    await runDurableObjectAlarm(roomStub(activity.id));
    const stats = await host.request(T.STATS, { stats: {} });
    expect(stats.stats?.phase).toBe(liveroom.Phase.CLOSED);
    for (const c of [host, early, behind, liar, late, silent]) c!.close();
  });
});
