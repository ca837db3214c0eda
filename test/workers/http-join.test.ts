import { describe, expect, it } from "vitest";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";

interface JoinBody {
  room: Record<string, unknown>;
}

describe("GET /api/join/:id (the viewer page's preflight)", () => {
  it("tells any role about the room, without its answers", async () => {
    const id = uniqueId("join");
    const created = await call("POST", "/api/admin/activities", {
      token: await tokenFor("admin"),
      body: activityBody(id),
    });
    expect(created.status).toBe(201);
    const r = await call<JoinBody>("GET", `/api/join/${id}`, { token: await tokenFor("viewer") });
    expect(r.status).toBe(200);
    expect(r.body.room).toEqual({
      id,
      title: "Friday quiz",
      status: "scheduled",
      startAtMs: Date.parse("2026-05-01T20:00:00Z"),
      streamUrl: "",
      streamDelayBudgetMs: 0,
      answerWindowMs: 10_000,
      prizePoolCents: 100_000,
      questionCount: 2,
      rainCount: 1,
    });
    expect(JSON.stringify(r.body)).not.toContain("correct");
  });

  it("says why a token cannot join: expired, forged or missing", async () => {
    const expired = await tokenFor("viewer", { expSec: Math.floor(Date.now() / 1000) - 10 });
    const forged = await tokenFor("viewer", { secret: "another-secret" });
    expect(await call("GET", "/api/join/demo", { token: expired })).toEqual({
      status: 401,
      body: { error: { code: "TOKEN_INVALID", message: "token expired" } },
    });
    expect((await call("GET", "/api/join/demo", { token: forged })).status).toBe(401);
    expect((await call("GET", "/api/join/demo")).status).toBe(401);
  });

  it("404 for a room that does not exist, 400 for an id that cannot be one", async () => {
    const viewer = await tokenFor("viewer");
    const missing = await call<{ error: { code: string } }>("GET", `/api/join/${uniqueId("nope")}`, {
      token: viewer,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("ACTIVITY_NOT_FOUND");
    const bad = await call<{ error: { field: string } }>("GET", "/api/join/Not_A_Slug", { token: viewer });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("id");
  });
});
