import { describe, expect, it } from "vitest";
import type { ActivityDetail } from "../../schema/queries/activities";
import type { RoomStatsView } from "../../schema/room-stats";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";

type StatsReply = { stats: RoomStatsView };
type ErrorReply = { error: { code: string; message: string; field?: string } };

async function createRoom(): Promise<string> {
  const id = uniqueId("ctl");
  const res = await call("POST", "/api/admin/activities", {
    token: await tokenFor("admin"),
    body: activityBody(id),
  });
  expect(res.status).toBe(201);
  return id;
}

async function status(id: string): Promise<string> {
  const res = await call<{ activity: ActivityDetail }>("GET", `/api/admin/activities/${id}`, {
    token: await tokenFor("admin"),
  });
  return res.body.activity.status;
}

describe("operator controls over HTTP", () => {
  it("runs a quiz: open, push, reveal, end, with the room's phase in every answer", async () => {
    const id = await createRoom();
    const hostId = uniqueId("host");
    const assigned = await call("PUT", `/api/admin/activities/${id}/host`, {
      token: await tokenFor("admin"),
      body: { hostId },
    });
    expect(assigned.status).toBe(200);
    const host = await tokenFor("host", { sub: hostId });
    const post = <T>(path: string, body?: unknown) =>
      call<T>("POST", `/api/rooms/${id}${path}`, { token: host, body });

    const opened = await post<StatsReply>("/open");
    expect(opened.status).toBe(200);
    expect(opened.body.stats.phase).toBe("lobby");
    expect(await status(id)).toBe("live");

    const pushed = await post<StatsReply>("/questions/0/push", { streamTsMs: 1234 });
    expect(pushed.status).toBe(200);
    expect(pushed.body.stats.phase).toBe("asking");
    expect(pushed.body.stats.currentQuestion).toBe(0);

    const revealed = await post<StatsReply>("/questions/0/reveal");
    expect(revealed.status).toBe(200);
    expect(revealed.body.stats.phase).toBe("revealed");

    expect((await post<StatsReply>("/questions/1/push", {})).status).toBe(200);
    expect((await post<StatsReply>("/questions/1/reveal", { streamTsMs: 99 })).status).toBe(200);

    const ended = await post<StatsReply>("/end");
    expect(ended.status).toBe(200);
    expect(ended.body.stats.phase).toBe("ended");
    expect(await status(id)).toBe("ended");

    const stats = await call<StatsReply>("GET", `/api/rooms/${id}/stats`, { token: host });
    expect(stats.status).toBe(200);
    expect(stats.body.stats.phase).toBe("ended");
  });

  it("answers the room's refusals with 409 and the room's code name", async () => {
    const id = await createRoom();
    const admin = await tokenFor("admin");
    const post = (path: string) => call<ErrorReply>("POST", `/api/rooms/${id}${path}`, { token: admin });

    const early = await post("/questions/0/push");
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("NOT_ALLOWED_NOW");

    expect((await post("/open")).status).toBe(200);
    const twice = await post("/open");
    expect([twice.status, twice.body.error.code]).toEqual([409, "NOT_ALLOWED_NOW"]);
    const skip = await post("/questions/1/push");
    expect([skip.status, skip.body.error.code]).toEqual([409, "WRONG_QUESTION"]);
    const beyond = await post("/questions/9/push");
    expect([beyond.status, beyond.body.error.code]).toEqual([409, "UNKNOWN_QUESTION"]);
    const rain = await post("/rains/9/start");
    expect([rain.status, rain.body.error.code]).toEqual([409, "UNKNOWN_RAIN"]);
    // A refused operation changes nothing.
    expect(await status(id)).toBe("live");
  });

  it("answers 404 ACTIVITY_NOT_FOUND for a room with no activity", async () => {
    // An admin: a host may not operate an activity that names no host (http-abuse.test.ts).
    const res = await call<ErrorReply>("POST", `/api/rooms/${uniqueId("ghost")}/open`, {
      token: await tokenFor("admin"),
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("ACTIVITY_NOT_FOUND");
  });
});

describe("operator control validation (the room is not called)", () => {
  const cases: [string, string, unknown, string, string][] = [
    ["k not a number", "/questions/abc/push", undefined, "k", "k must be a non-negative integer"],
    ["k negative", "/questions/-1/reveal", undefined, "k", "k must be a non-negative integer"],
    ["k fractional", "/questions/1.5/push", undefined, "k", "k must be a non-negative integer"],
    ["r not a number", "/rains/x/start", undefined, "r", "r must be a non-negative integer"],
    [
      "negative streamTsMs",
      "/questions/0/push",
      { streamTsMs: -1 },
      "streamTsMs",
      "streamTsMs must be an integer from 0 to 4294967295 (ms into the stream)",
    ],
    [
      "streamTsMs a string",
      "/rains/0/start",
      { streamTsMs: "10" },
      "streamTsMs",
      "streamTsMs must be an integer from 0 to 4294967295 (ms into the stream)",
    ],
    ["unknown body field", "/questions/0/reveal", { ts: 1 }, "ts", "ts is not a known field"],
  ];
  it.each(cases)("%s → 400", async (_what, path, body, field, message) => {
    const res = await call("POST", `/api/rooms/${uniqueId("v")}${path}`, {
      token: await tokenFor("host"),
      body,
    });
    expect(res).toEqual({ status: 400, body: { error: { code: "VALIDATION_FAILED", message, field } } });
  });

  it("rejects a room id that is not a slug", async () => {
    const res = await call("POST", "/api/rooms/UPPER/open", { token: await tokenFor("host") });
    expect(res).toEqual({
      status: 400,
      body: {
        error: {
          code: "VALIDATION_FAILED",
          message: "id must be 1–64 characters of a–z, 0–9 and -",
          field: "id",
        },
      },
    });
  });
});
