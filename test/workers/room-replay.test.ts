// The replay: a whole show through the room, archived to D1 at the end and served over HTTP.
import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { TimelineEvent } from "../../schema/replay";
import { liveroom } from "../../schema/proto";
import { createRainActivity, rain } from "./support/rain";
import { advanceClock, RawClient, roomStub, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const OK = liveroom.Status.OK;

async function get<B>(path: string): Promise<{ status: number; body: B }> {
  const res = await exports.default.fetch(`http://liveroom.test${path}`);
  return { status: res.status, body: (await res.json()) as B };
}

describe("replay", () => {
  it("archives questions, reveals, rains and danmaku frames with their stream timestamps when the show ends", async () => {
    const a = await createRainActivity([rain(300, 3, { durationMs: 1000 })]);
    const stub = roomStub(a.id);
    const p = uniqueId("rp");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    const v = await RawClient.join(a.id, `${p}-v`);
    const control = async (op: Parameters<typeof stub.control>[1]) => {
      const r = await stub.control(a.id, op);
      expect(r.ok).toBe(true);
    };

    await control({ kind: "open" });
    await control({ kind: "push", question: 0, streamTsMs: 60_000 });
    expect((await v.answer(0, 0)).status).toBe(OK);
    const first = await v.request(T.DANMAKU, { danmaku: { text: "first!", streamTsMs: 59_000 } });
    expect(first.danmaku).toMatchObject({ id: 1, text: "first!", streamTsMs: 59_000 });
    const rude = await v.request(T.DANMAKU, { danmaku: { text: "rude" } });
    // A tick (200 ms) later on the room's clock, both are shown.
    await advanceClock(a.id, 200);
    await v.waitForNotification((n) => (n.danmakuTick?.items ?? []).length === 2);
    expect((await host.request(T.DELETE_DANMAKU, { deleteDanmaku: { id: rude.danmaku!.id! } })).status).toBe(
      OK,
    );
    await control({ kind: "reveal", question: 0, streamTsMs: 70_000 });
    await control({ kind: "startRain", rain: 0, streamTsMs: 75_000 });
    // The rain's second on the room's clock: its end task is due.
    await advanceClock(a.id, 1_000);
    await v.waitForNotification((n) => n.rainEnded != null);
    const late = await v.request(T.DANMAKU, { danmaku: { text: "gg" } });
    expect(late.status).toBe(OK);
    await advanceClock(a.id, 200);
    await v.waitForNotification((n) => (n.danmakuTick?.items ?? []).some((d) => d.text === "gg"));

    const before = await get<{ error: { code: string } }>(`/api/activities/${a.id}/replay`);
    expect(before.body.error.code).toBe("REPLAY_NOT_READY");
    await control({ kind: "end" });
    // After the end the room takes no more danmaku: the replay is final.
    expect((await v.request(T.DANMAKU, { danmaku: { text: "too late" } })).code).toBe(
      liveroom.Code.NOT_ALLOWED_NOW,
    );

    await vi.waitUntil(async () => (await get(`/api/activities/${a.id}/replay`)).status === 200, {
      timeout: 5_000,
    });
    const r = await get<{
      replay: { eventCount: number; chunkCount: number };
      chunk: { events: TimelineEvent[] };
    }>(`/api/activities/${a.id}/replay`);
    const events = r.body.chunk.events;
    expect(r.body.replay.chunkCount).toBe(1);
    expect(r.body.replay.eventCount).toBe(events.length);
    expect(events.map((e) => e.kind)).toEqual([
      "opened",
      "question",
      "danmaku",
      "reveal",
      "rain_started",
      "rain_ended",
      "danmaku",
      "game_over",
    ]);
    const [opened, question, frame1, reveal, rainStarted, rainEnded, frame2, over] = events as [
      Extract<TimelineEvent, { kind: "opened" }>,
      Extract<TimelineEvent, { kind: "question" }>,
      Extract<TimelineEvent, { kind: "danmaku" }>,
      Extract<TimelineEvent, { kind: "reveal" }>,
      Extract<TimelineEvent, { kind: "rain_started" }>,
      Extract<TimelineEvent, { kind: "rain_ended" }>,
      Extract<TimelineEvent, { kind: "danmaku" }>,
      Extract<TimelineEvent, { kind: "game_over" }>,
    ];
    expect(opened.streamTsMs).toBe(0);
    expect(question).toMatchObject({ streamTsMs: 60_000, question: 0, text: "q0", options: ["a", "b"] });
    // The deleted danmaku is gone; the kept one carries where its sender's player was.
    expect(frame1.items).toEqual([{ id: 1, userId: `${p}-v`, text: "first!", streamTsMs: 59_000 }]);
    expect(frame1.streamTsMs).toBeGreaterThanOrEqual(60_000);
    expect(frame1.streamTsMs).toBeLessThan(70_000);
    expect(reveal).toMatchObject({ streamTsMs: 70_000, question: 0, correct: 0, counts: [1, 0] });
    expect(rainStarted).toMatchObject({ streamTsMs: 75_000, rain: 0, packets: 3 });
    expect(rainEnded.streamTsMs).toBeGreaterThanOrEqual(76_000);
    expect(rainEnded).toMatchObject({ rain: 0, packetsLeft: 3, grantedCents: 0 });
    expect(frame2.items.map((d) => d.text)).toEqual(["gg"]);
    expect(frame2.streamTsMs).toBeGreaterThan(rainEnded.streamTsMs - 1);
    expect(over).toMatchObject({ winners: 1, prizePoolCents: 100_000 });
    expect(over.streamTsMs).toBeGreaterThanOrEqual(frame2.streamTsMs);

    const detail = await get<{
      activity: { replayReady: boolean; status: string };
      result: { announcedWinners: number };
    }>(`/api/activities/${a.id}`);
    expect(detail.body.activity).toMatchObject({ replayReady: true, status: "ended" });
    expect(detail.body.result.announcedWinners).toBe(1);
  });
});
