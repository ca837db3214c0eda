import { describe, expect, it } from "vitest";
import { splitRedPackets } from "../../durable-objects/features/rain/split";
import type { ActivitySummary } from "../../schema/queries/activities";
import type { AdminActivityDetail } from "../../workers/activities/admin-detail";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";

const admin = () => tokenFor("admin");

describe("POST /api/admin/activities", () => {
  it("creates an activity with defaults, questions and rain totals, and GET returns the same", async () => {
    const id = uniqueId("create");
    const created = await call<{ activity: AdminActivityDetail }>("POST", "/api/admin/activities", {
      token: await admin(),
      body: { ...activityBody(id), streamUrl: "https://video.example/live.m3u8" },
    });
    expect(created.status).toBe(201);
    const { createdAtMs, rains, ...rest } = created.body.activity;
    expect(rest).toEqual({
      id,
      title: "Friday quiz",
      startAtMs: Date.parse("2026-05-01T20:00:00Z"),
      prizePoolCents: 100_000,
      answerWindowMs: 10_000,
      streamUrl: "https://video.example/live.m3u8",
      // The default with a stream: 10 s (schema/activity.ts defaultStreamDelayBudgetMs).
      streamDelayBudgetMs: 10_000,
      grabCap: 3,
      shards: 1,
      status: "scheduled",
      questions: [
        { text: "2 + 2?", options: ["3", "4"], correct: 1 },
        { text: "Capital of France?", options: ["Paris", "Rome", "Berlin", "Madrid"], correct: 0 },
      ],
    });
    expect(typeof createdAtMs).toBe("number");
    // The smallest and largest packet, derived from the seed (no amount is stored).
    const packets = splitRedPackets(5000, 100, "fixed-seed");
    expect(rains).toEqual([
      {
        totalCents: 5000,
        count: 100,
        targetTapsPerSec: 1000,
        durationMs: 20_000,
        seed: "fixed-seed",
        minPacketCents: Math.min(...packets),
        maxPacketCents: Math.max(...packets),
      },
    ]);

    const got = await call<{ activity: AdminActivityDetail }>("GET", `/api/admin/activities/${id}`, {
      token: await admin(),
    });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it("accepts epoch ms for startAt and generates an id and a seed when absent", async () => {
    const { id: _omit, ...body } = activityBody("unused");
    const created = await call<{ activity: AdminActivityDetail }>("POST", "/api/admin/activities", {
      token: await admin(),
      body: { ...body, startAt: 1_777_000_000_000, rains: [{ totalCents: 10, count: 10 }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.activity.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(created.body.activity.startAtMs).toBe(1_777_000_000_000);
    expect(created.body.activity.streamUrl).toBe("");
    expect(created.body.activity.streamDelayBudgetMs).toBe(0);
    expect(created.body.activity.rains[0]!.seed).toMatch(/^[0-9a-f]{32}$/);
    // 10 cents in 10 packets: every packet is exactly 1 cent.
    expect(created.body.activity.rains[0]!.minPacketCents).toBe(1);
    expect(created.body.activity.rains[0]!.maxPacketCents).toBe(1);
  });

  it("keeps a given stream-delay budget and refuses one outside 0–60000 ms with the field", async () => {
    const id = uniqueId("budget");
    const stream = { streamUrl: "https://video.example/live.m3u8" };
    const created = await call<{ activity: AdminActivityDetail }>("POST", "/api/admin/activities", {
      token: await admin(),
      body: { ...activityBody(id), ...stream, streamDelayBudgetMs: 3_000 },
    });
    expect(created.status).toBe(201);
    expect(created.body.activity.streamDelayBudgetMs).toBe(3_000);
    for (const bad of [60_001, -1, 1.5, "3000"]) {
      const refused = await call<{ error: { code: string; field: string } }>(
        "POST",
        "/api/admin/activities",
        {
          token: await admin(),
          body: { ...activityBody(uniqueId("budget-bad")), ...stream, streamDelayBudgetMs: bad },
        },
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "streamDelayBudgetMs" });
    }
  });

  it("answers 409 ACTIVITY_EXISTS for a taken id and leaves the first one unchanged", async () => {
    const id = uniqueId("dup");
    const token = await admin();
    expect((await call("POST", "/api/admin/activities", { token, body: activityBody(id) })).status).toBe(201);
    const again = await call("POST", "/api/admin/activities", {
      token,
      body: { ...activityBody(id), title: "Other" },
    });
    expect(again).toEqual({
      status: 409,
      body: { error: { code: "ACTIVITY_EXISTS", message: `activity ${id} already exists`, field: "id" } },
    });
    const got = await call<{ activity: AdminActivityDetail }>("GET", `/api/admin/activities/${id}`, {
      token,
    });
    expect(got.body.activity.title).toBe("Friday quiz");
  });
});

describe("GET /api/admin/activities", () => {
  it("lists newest first with question and rain counts", async () => {
    const token = await admin();
    const first = uniqueId("list-a");
    const second = uniqueId("list-b");
    await call("POST", "/api/admin/activities", { token, body: activityBody(first) });
    await call("POST", "/api/admin/activities", { token, body: { ...activityBody(second), rains: [] } });
    const list = await call<{ activities: ActivitySummary[] }>("GET", "/api/admin/activities?limit=200", {
      token,
    });
    expect(list.status).toBe(200);
    const ids = list.body.activities.map((a) => a.id);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    expect(ids.indexOf(second)).toBeGreaterThanOrEqual(0);
    const a = list.body.activities.find((x) => x.id === first)!;
    expect(a).toEqual({
      id: first,
      title: "Friday quiz",
      startAtMs: Date.parse("2026-05-01T20:00:00Z"),
      prizePoolCents: 100_000,
      answerWindowMs: 10_000,
      streamUrl: "",
      streamDelayBudgetMs: 0,
      grabCap: 3,
      shards: 1,
      status: "scheduled",
      createdAtMs: a.createdAtMs,
      questionCount: 2,
      rainCount: 1,
    });
    expect(list.body.activities.find((x) => x.id === second)!.rainCount).toBe(0);
  });

  it("limits the list and validates the limit", async () => {
    const token = await admin();
    await call("POST", "/api/admin/activities", { token, body: activityBody(uniqueId("lim")) });
    await call("POST", "/api/admin/activities", { token, body: activityBody(uniqueId("lim")) });
    const one = await call<{ activities: ActivitySummary[] }>("GET", "/api/admin/activities?limit=1", {
      token,
    });
    expect(one.body.activities).toHaveLength(1);
    expect(await call("GET", "/api/admin/activities?limit=0", { token })).toEqual({
      status: 400,
      body: {
        error: {
          code: "VALIDATION_FAILED",
          message: "limit must be an integer from 1 to 200",
          field: "limit",
        },
      },
    });
  });

  it("answers 404 ACTIVITY_NOT_FOUND for an unknown id", async () => {
    const id = uniqueId("missing");
    expect(await call("GET", `/api/admin/activities/${id}`, { token: await admin() })).toEqual({
      status: 404,
      body: { error: { code: "ACTIVITY_NOT_FOUND", message: `no activity ${id}` } },
    });
  });
});

describe("POST /api/admin/users", () => {
  it("creates and then updates a user, keeping its creation time", async () => {
    const token = await admin();
    const id = uniqueId("user");
    const created = await call<{ user: { createdAtMs: number } }>("POST", "/api/admin/users", {
      token,
      body: { id, name: "Carol", revivalCards: 1 },
    });
    expect(created).toEqual({
      status: 200,
      body: { user: { id, name: "Carol", revivalCards: 1, createdAtMs: created.body.user.createdAtMs } },
    });
    const updated = await call("POST", "/api/admin/users", { token, body: { id, name: "Caroline" } });
    expect(updated).toEqual({
      status: 200,
      body: { user: { id, name: "Caroline", revivalCards: 0, createdAtMs: created.body.user.createdAtMs } },
    });
  });

  it("rejects negative revival cards with the field", async () => {
    expect(
      await call("POST", "/api/admin/users", {
        token: await admin(),
        body: { id: uniqueId("user"), name: "X", revivalCards: -1 },
      }),
    ).toEqual({
      status: 400,
      body: {
        error: {
          code: "VALIDATION_FAILED",
          message: "revivalCards must be an integer from 0 to 1000",
          field: "revivalCards",
        },
      },
    });
  });
});
