import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ActivityConfig } from "../../schema/activity";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { splitRedPackets } from "../../durable-objects/features/rain/split";
import { loadActivityConfig } from "../../schema/queries/activities";
import { loadRevivalCards } from "../../schema/queries/users";
import { call, tokenFor, uniqueId } from "./http-helpers";

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe("loadActivityConfig", () => {
  it("returns exactly the activity that was posted; its packets follow from each rain's seed", async () => {
    const id = uniqueId("load");
    const body = {
      id,
      title: "Loader quiz",
      startAt: 1_777_000_000_000,
      prizePoolCents: 123_457,
      answerWindowMs: 8000,
      streamUrl: "https://video.example/a.m3u8",
      grabCap: 5,
      shards: 1,
      questions: [
        { text: "Q0", options: ["a", "b", "c"], correct: 2 },
        { text: "Q1", options: ["yes", "no"], correct: 0 },
        { text: "Q2", options: ["1", "2", "3", "4"], correct: 3 },
      ],
      rains: [
        { totalCents: 10_000, count: 37, targetTapsPerSec: 500, durationMs: 15_000, seed: "seed-a" },
        { totalCents: 1_000, count: 1000, seed: "seed-b" },
      ],
    };
    const created = await call("POST", "/api/admin/activities", { token: await tokenFor("admin"), body });
    expect(created.status).toBe(201);

    const config = await loadActivityConfig(env.DB, id);
    const expected: ActivityConfig = {
      id,
      title: "Loader quiz",
      startAtMs: 1_777_000_000_000,
      prizePoolCents: 123_457,
      answerWindowMs: 8000,
      streamUrl: "https://video.example/a.m3u8",
      // The default budget for an activity with a stream (docs/protocol.md, "Fair answer windows").
      streamDelayBudgetMs: 10_000,
      grabCap: 5,
      shards: 1,
      questions: body.questions,
      rains: [
        {
          totalCents: 10_000,
          count: 37,
          targetTapsPerSec: 500,
          durationMs: 15_000,
          seed: "seed-a",
        },
        {
          totalCents: 1_000,
          count: 1000,
          targetTapsPerSec: 1000,
          durationMs: 20_000,
          seed: "seed-b",
        },
      ],
    };
    expect(config).toEqual(expected);
    // The amounts are derived from the loaded config, as the room derives them.
    const [a, b] = config!.rains.map(rainPackets);
    expect(a).toEqual(splitRedPackets(10_000, 37, "seed-a"));
    expect(sum(a!)).toBe(10_000);
    expect(Math.min(...a!)).toBeGreaterThanOrEqual(1);
    expect(b).toEqual(Array.from({ length: 1000 }, () => 1));
  });

  it("stores a 100,000-packet rain as its seed, never its amounts, and loads it back exactly", async () => {
    const id = uniqueId("big-rain");
    const res = await call("POST", "/api/admin/activities", {
      token: await tokenFor("admin"),
      body: {
        id,
        title: "Big rain",
        startAt: 0,
        prizePoolCents: 1,
        questions: [{ text: "?", options: ["a", "b"], correct: 0 }],
        rains: [{ totalCents: 987_654_321, count: 100_000, seed: "big" }],
      },
    });
    expect(res.status).toBe(201);
    const config = await loadActivityConfig(env.DB, id);
    expect(config!.rains).toEqual([
      { totalCents: 987_654_321, count: 100_000, targetTapsPerSec: 1000, durationMs: 20_000, seed: "big" },
    ]);
    // The row is the five numbers and the seed: no column holds packet amounts.
    const row = await env.DB.prepare("SELECT * FROM rains WHERE activity_id = ?").bind(id).first();
    expect(Object.keys(row!).sort()).toEqual(
      ["activity_id", "count", "duration_ms", "idx", "seed", "target_taps_per_sec", "total_cents"].sort(),
    );
    const packets = rainPackets(config!.rains[0]!);
    expect(packets).toHaveLength(100_000);
    expect(sum(packets)).toBe(987_654_321);
    expect(packets).toEqual(splitRedPackets(987_654_321, 100_000, "big"));
  });

  it("returns null for an unknown activity", async () => {
    expect(await loadActivityConfig(env.DB, uniqueId("none"))).toBeNull();
  });
});

describe("loadRevivalCards", () => {
  it("returns the user's cards, and 0 for an unknown user", async () => {
    const id = uniqueId("carol");
    expect(await loadRevivalCards(env.DB, id)).toBe(0);
    await call("POST", "/api/admin/users", {
      token: await tokenFor("admin"),
      body: { id, name: "Carol", revivalCards: 2 },
    });
    expect(await loadRevivalCards(env.DB, id)).toBe(2);
  });
});
