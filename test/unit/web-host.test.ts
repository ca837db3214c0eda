import { describe, expect, test } from "vitest";
import { type ActivityFormValues, activityInput } from "../../web/src/host/activity-input";
import { linePath, niceMax, ratePerSec } from "../../web/src/host/chart-math";
import { controlsFor } from "../../web/src/host/controls";
import type { HostStats, Phase } from "../../web/src/host/stats";

const stats = (phase: Phase, currentQuestion = -1, rainRunning = false): HostStats => ({
  phase,
  online: 0,
  shards: [],
  players: 0,
  alive: 0,
  currentQuestion,
  counts: [],
  roomSeq: 0,
  packetsLeft: 0,
  grantedCents: 0,
  grabs: 0,
  throttled: 0,
  rain: -1,
  rainRunning,
  grantedPackets: 0,
  grabsPerSec: 0,
  throttlePpm: 0,
  danmakuIn: 0,
  danmakuShown: 0,
  danmakuDropped: 0,
  danmakuBlocked: 0,
  danmakuRefused: 0,
  danmakuDeleted: 0,
  likes: 0,
  gifts: 0,
  giftCoins: 0,
  pollsOpened: 0,
  pollVotes: 0,
});

describe("operator controls", () => {
  test("follow the room's phases through a two-question game", () => {
    expect(controlsFor(undefined, 2, 1).open).toBe(false);
    expect(controlsFor(stats("created"), 2, 1)).toMatchObject({ open: true, rain: false, end: false });
    expect(controlsFor(stats("lobby"), 2, 1)).toMatchObject({
      open: false,
      push: { enabled: true, question: 0 },
    });
    expect(controlsFor(stats("asking", 0), 2, 1)).toMatchObject({
      push: { enabled: false },
      reveal: { enabled: true, question: 0 },
    });
    expect(controlsFor(stats("closed", 0), 2, 1).reveal.enabled).toBe(true);
    expect(controlsFor(stats("revealed", 0), 2, 1)).toMatchObject({
      push: { enabled: true, question: 1 },
      end: false,
    });
    expect(controlsFor(stats("revealed", 1), 2, 1)).toMatchObject({ push: { enabled: false }, end: true });
    expect(controlsFor(stats("ended", 1), 2, 1)).toMatchObject({ end: false, rain: false });
  });

  test("a rain starts only in an open room with rains and none running", () => {
    expect(controlsFor(stats("lobby"), 2, 0).rain).toBe(false);
    expect(controlsFor(stats("lobby"), 2, 1).rain).toBe(true);
    expect(controlsFor(stats("lobby", -1, true), 2, 1).rain).toBe(false);
  });
});

const form = (over: Partial<ActivityFormValues> = {}): ActivityFormValues => ({
  id: "",
  title: "Friday quiz",
  prize: "1000.01",
  windowSec: "10",
  streamUrl: "",
  delaySec: "",
  audience: "",
  questions: [{ text: "Red planet?", options: ["Venus", "Mars", "", ""], correct: 1 }],
  rainTotal: "",
  rainCount: "",
  rainSec: "20",
  ...over,
});

describe("the create-activity form", () => {
  test("becomes the API body with exact cents and blank options left out", () => {
    const r = activityInput(
      form({
        id: "friday",
        streamUrl: "https://s.example/x.m3u8",
        questions: [{ text: " Q ", options: ["a", "", "c", ""], correct: 2 }],
        rainTotal: "2.50",
        rainCount: "2",
        rainSec: "15",
        delaySec: " 8 ",
        audience: " 1,000,000 ",
      }),
      1000,
    );
    expect(r).toEqual({
      ok: true,
      body: {
        id: "friday",
        title: "Friday quiz",
        startAt: 1000,
        prizePoolCents: 100_001,
        answerWindowMs: 10_000,
        streamUrl: "https://s.example/x.m3u8",
        streamDelayBudgetMs: 8_000,
        expectedAudience: 1_000_000,
        questions: [{ text: "Q", options: ["a", "c"], correct: 1 }],
        rains: [{ totalCents: 250, count: 2, durationMs: 15_000 }],
      },
    });
  });

  test("names the first problem", () => {
    const field = (v: Partial<ActivityFormValues>) => {
      const r = activityInput(form(v), 0);
      return r.ok ? "ok" : r.field;
    };
    expect(field({})).toBe("ok");
    expect(field({ id: "Bad Id" })).toBe("id");
    expect(field({ title: " " })).toBe("title");
    expect(field({ prize: "0" })).toBe("prize");
    expect(field({ prize: "1.001" })).toBe("prize");
    expect(field({ windowSec: "61" })).toBe("windowSec");
    expect(field({ streamUrl: "ftp://x" })).toBe("streamUrl");
    expect(field({ delaySec: "61" })).toBe("delaySec");
    expect(field({ delaySec: "1.5" })).toBe("delaySec");
    expect(field({ delaySec: "60" })).toBe("ok");
    expect(field({ audience: "0" })).toBe("audience");
    expect(field({ audience: "100,000,001" })).toBe("audience");
    expect(field({ audience: "a lot" })).toBe("audience");
    expect(field({ audience: "2.5" })).toBe("audience");
    expect(field({ audience: "100_000_000" })).toBe("ok");
    // Blank: no expectedAudience in the body, and the API makes a one-shard room.
    const blank = activityInput(form(), 0);
    expect(blank.ok && "expectedAudience" in blank.body).toBe(false);
    expect(field({ questions: [] })).toBe("questions");
    expect(field({ questions: [{ text: "", options: ["a", "b"], correct: 0 }] })).toBe("questions.0.text");
    expect(field({ questions: [{ text: "q", options: ["a", "", "", ""], correct: 0 }] })).toBe(
      "questions.0.options",
    );
    // The correct mark on a blank option is no answer at all.
    expect(field({ questions: [{ text: "q", options: ["a", "b", "", ""], correct: 2 }] })).toBe(
      "questions.0.correct",
    );
    expect(field({ rainTotal: "1.00", rainCount: "101" })).toBe("rainCount");
    expect(field({ rainTotal: "1.00", rainCount: "5", rainSec: "0" })).toBe("rainSec");
  });
});

describe("chart arithmetic", () => {
  test("a path through the values, the top at max", () => {
    expect(linePath([0, 5, 10], 3, 100, 50, 10)).toBe("M0,50 L50,25 L100,0");
    expect(linePath([], 3, 100, 50, 10)).toBe("");
    expect(linePath([3], 1, 100, 50, 0)).toBe("M0,50");
  });

  test("a counter's rate per second", () => {
    expect(ratePerSec({ atMs: 0, value: 10 }, { atMs: 2000, value: 15 })).toBe(2.5);
    expect(ratePerSec({ atMs: 0, value: 10 }, { atMs: 3000, value: 11 })).toBe(0.3);
    expect(ratePerSec({ atMs: 1000, value: 10 }, { atMs: 1000, value: 15 })).toBe(0);
    expect(ratePerSec({ atMs: 0, value: 10 }, { atMs: 1000, value: 2 })).toBe(0);
  });

  test("round maxima", () => {
    expect([0, 1, 3, 7, 12, 99, 101, 4000].map(niceMax)).toEqual([1, 1, 5, 10, 20, 100, 200, 5000]);
  });
});
