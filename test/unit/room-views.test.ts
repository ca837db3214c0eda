import { describe, expect, it } from "vitest";
import { controlOpOf, controlRefused } from "../../durable-objects/control";
import { PHASE } from "../../durable-objects/protocol/encode";
import type { RainStats } from "../../durable-objects/rain-room";
import { statsMessage, statsView, welcomeView } from "../../durable-objects/room-views";
import { isSilent } from "../../durable-objects/sockets";
import { liveroom } from "../../schema/proto";
import { activity, asking, player } from "./quiz/fixtures";

const T = liveroom.Type;

const rain: RainStats = {
  packetsLeft: 4,
  grantedCents: 96,
  grabs: 10,
  throttled: 2,
  rain: 0,
  rainRunning: true,
  grantedPackets: 6,
  grabsPerSec: 3,
  throttlePpm: 500_000,
};
const social = {
  danmakuIn: 5,
  danmakuShown: 3,
  danmakuDropped: 1,
  danmakuBlocked: 1,
  danmakuRefused: 0,
  danmakuDeleted: 0,
  likes: 7,
  gifts: 2,
  giftCoins: 20,
};

describe("statsView", () => {
  it("counts the current question's options and keeps the RoomStatsView field order", () => {
    const asked: number[][] = [];
    const view = statsView({
      room: asking(1),
      roomSeq: 9,
      online: 3,
      players: { players: 2, alive: 1 },
      counts: (question, options) => {
        asked.push([question, options]);
        return [1, 0, 1];
      },
      rain,
      social,
    });
    expect(asked).toEqual([[1, 3]]);
    expect(view).toEqual({
      phase: "asking",
      online: 3,
      players: 2,
      alive: 1,
      currentQuestion: 1,
      counts: [1, 0, 1],
      roomSeq: 9,
      ...rain,
      ...social,
    });
    expect(Object.keys(view).slice(0, 8)).toEqual([
      "phase",
      "online",
      "players",
      "alive",
      "currentQuestion",
      "counts",
      "roomSeq",
      "packetsLeft",
    ]);
    expect(statsMessage(view)).toEqual({ ...view, phase: PHASE.asking });
  });

  it("reads no counts before the first question", () => {
    const view = statsView({
      room: { ...asking(0), phase: "lobby", current: null },
      roomSeq: 0,
      online: 0,
      players: { players: 0, alive: 0 },
      counts: () => {
        throw new Error("not asked");
      },
      rain,
      social,
    });
    expect(view.currentQuestion).toBe(-1);
    expect(view.counts).toEqual([]);
  });
});

describe("welcomeView", () => {
  it("maps the role, the room and the player, with an empty seal when unanswered", () => {
    const w = welcomeView({
      userId: "u1",
      role: "host",
      room: { ...asking(0), phase: "lobby", current: null },
      roomSeq: 4,
      nowMs: 1_000,
      online: 2,
      player: player({ status: "playing", revivalCards: 1 }),
      sealed: undefined,
      prizeCents: 0,
      grabbed: 2,
      rain: null,
      likes: 11,
    });
    expect(w.role).toBe(liveroom.Role.HOST);
    expect(w.serverTimeMs).toBe(1_000);
    expect(w.room).toMatchObject({
      activityId: activity.id,
      phase: PHASE.lobby,
      questionCount: 3,
      current: null,
      online: 2,
      rain: null,
      likes: 11,
    });
    expect(w.player).toEqual({
      status: liveroom.PlayerStatus.PLAYING,
      revivalCards: 1,
      revivalUsed: false,
      passed: -1,
      sealed: new Uint8Array(),
      prizeCents: 0,
      grabbed: 2,
    });
  });
});

describe("controlOpOf and controlRefused", () => {
  it("maps host frames to control steps, anything else to stats", () => {
    expect(controlOpOf({ type: T.OPEN, seq: 1 })).toEqual({ kind: "open" });
    expect(controlOpOf({ type: T.START_RAIN, seq: 2, rain: 1, streamTsMs: 50 })).toEqual({
      kind: "startRain",
      rain: 1,
      streamTsMs: 50,
    });
    expect(controlOpOf({ type: T.STATS, seq: 3 })).toEqual({ kind: "stats" });
  });

  it("carries the code's value and name", () => {
    expect(controlRefused("INTERNAL", "internal error")).toEqual({
      ok: false,
      code: liveroom.Code.INTERNAL,
      codeName: "INTERNAL",
      message: "internal error",
    });
  });
});

describe("isSilent", () => {
  it("drops a socket after a minute without a heartbeat, counting from its connect when it never beat", () => {
    const att = { u: "u1", r: null, c: 10_000 };
    expect(isSilent(att, 0, 70_000)).toBe(false);
    expect(isSilent(att, 0, 70_001)).toBe(true);
    expect(isSilent(att, 65_000, 120_000)).toBe(false);
    expect(isSilent(null, 0, 60_001)).toBe(true);
  });
});
