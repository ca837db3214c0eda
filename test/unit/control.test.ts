// The operator's RPCs as the host frames they stand for, refusals by code name, and the stats as the
// STATS frame carries them.
import { describe, expect, it } from "vitest";
import {
  type ControlOp,
  controlRefused,
  controlRequest,
  type ModerationOp,
  moderationRequest,
} from "../../durable-objects/control";
import { statsMessage } from "../../durable-objects/features/registry";
import type { ClientRequest } from "../../durable-objects/protocol/decode";
import { liveroom } from "../../schema/proto";
import type { RoomStatsView } from "../../schema/room-stats";

const T = liveroom.Type;

// One case per op kind: an op added to ControlOp without a case here fails to compile.
const CONTROL: { [K in ControlOp["kind"]]: [Extract<ControlOp, { kind: K }>, ClientRequest] } = {
  open: [{ kind: "open" }, { type: T.OPEN, seq: 0 }],
  push: [
    { kind: "push", question: 2, streamTsMs: 61_000 },
    { type: T.PUSH_QUESTION, seq: 0, question: 2, streamTsMs: 61_000 },
  ],
  reveal: [
    { kind: "reveal", question: 1, streamTsMs: 70_500 },
    { type: T.REVEAL, seq: 0, question: 1, streamTsMs: 70_500 },
  ],
  end: [{ kind: "end" }, { type: T.END, seq: 0 }],
  startRain: [
    { kind: "startRain", rain: 3, streamTsMs: 75_000 },
    { type: T.START_RAIN, seq: 0, rain: 3, streamTsMs: 75_000 },
  ],
  stats: [{ kind: "stats" }, { type: T.STATS, seq: 0 }],
};

const MODERATION: { [K in ModerationOp["kind"]]: [Extract<ModerationOp, { kind: K }>, ClientRequest] } = {
  mute: [
    { kind: "mute", userId: "u7", durationMs: 60_000 },
    { type: T.MUTE, seq: 0, userId: "u7", durationMs: 60_000, forShow: false },
  ],
  delete: [
    { kind: "delete", id: 42 },
    { type: T.DELETE_DANMAKU, seq: 0, id: 42 },
  ],
  shadow: [
    { kind: "shadow", userId: "u7", on: true },
    { type: T.SHADOW_MUTE, seq: 0, userId: "u7", on: true },
  ],
  slowMode: [
    { kind: "slowMode", seconds: 10 },
    { type: T.SLOW_MODE, seq: 0, seconds: 10 },
  ],
  words: [
    { kind: "words", words: ["spam"] },
    { type: T.SET_WORDS, seq: 0, words: ["spam"] },
  ],
  read: [{ kind: "read" }, { type: T.MODERATION, seq: 0 }],
};

describe("controlRequest", () => {
  for (const [kind, [op, frame]] of Object.entries(CONTROL)) {
    it(`${kind} → the host frame with every field, seq 0`, () => {
      expect(controlRequest(op)).toEqual(frame);
    });
  }
});

describe("moderationRequest", () => {
  for (const [kind, [op, frame]] of Object.entries(MODERATION)) {
    it(`${kind} → the host frame with every field, seq 0`, () => {
      expect(moderationRequest(op)).toEqual(frame);
    });
  }
});

describe("controlRefused", () => {
  it("carries the code's value and name", () => {
    expect(controlRefused("INTERNAL", "internal error")).toEqual({
      ok: false,
      code: liveroom.Code.INTERNAL,
      codeName: "INTERNAL",
      message: "internal error",
    });
    expect(controlRefused("ACTIVITY_NOT_FOUND", "no such activity")).toEqual({
      ok: false,
      code: liveroom.Code.ACTIVITY_NOT_FOUND,
      codeName: "ACTIVITY_NOT_FOUND",
      message: "no such activity",
    });
  });
});

describe("statsMessage", () => {
  const view: RoomStatsView = {
    phase: "asking",
    online: 3,
    players: 2,
    alive: 1,
    currentQuestion: 1,
    counts: [1, 0, 1],
    roomSeq: 9,
    shards: [],
    packetsLeft: 4,
    grantedCents: 96,
    grabs: 10,
    throttled: 2,
    rain: 0,
    rainRunning: true,
    grantedPackets: 6,
    grabsPerSec: 3,
    throttlePpm: 500_000,
    danmakuIn: 5,
    danmakuShown: 3,
    danmakuDropped: 1,
    danmakuBlocked: 1,
    danmakuRefused: 0,
    danmakuDeleted: 0,
    likes: 7,
    gifts: 2,
    giftCoins: 20,
    pollsOpened: 1,
    pollVotes: 4,
  };

  it("keeps every figure and carries the phase as the protocol's enum", () => {
    expect(statsMessage(view)).toEqual({ ...view, phase: liveroom.Phase.ASKING });
  });

  it("maps each phase", () => {
    const phases = ["created", "lobby", "asking", "closed", "revealed", "ended"] as const;
    expect(phases.map((phase) => statsMessage({ ...view, phase }).phase)).toEqual([
      liveroom.Phase.CREATED,
      liveroom.Phase.LOBBY,
      liveroom.Phase.ASKING,
      liveroom.Phase.CLOSED,
      liveroom.Phase.REVEALED,
      liveroom.Phase.ENDED,
    ]);
  });
});
