import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { call, tokenFor, uniqueId } from "./http-helpers";

const nowSec = () => Math.floor(Date.now() / 1000);
const invalid = (message: string) => ({ status: 401, body: { error: { code: "TOKEN_INVALID", message } } });

describe("bearer auth on the API", () => {
  it("answers 401 without a token", async () => {
    expect(await call("GET", "/api/admin/activities")).toEqual(
      invalid("missing Authorization: Bearer <token>"),
    );
  });

  it("answers 401 for a token signed with another secret", async () => {
    const forged = await tokenFor("admin", { secret: "another-secret" });
    expect(await call("GET", "/api/admin/activities", { token: forged })).toEqual(invalid("token invalid"));
  });

  it("answers 401 for an expired token", async () => {
    const expired = await tokenFor("admin", { expSec: nowSec() - 10 });
    expect(await call("GET", "/api/admin/activities", { token: expired })).toEqual(invalid("token expired"));
  });

  it("answers 401 for garbage and for a token with an unknown role", async () => {
    expect(await call("GET", "/api/admin/activities", { token: "not.a.jwt" })).toEqual(
      invalid("token invalid"),
    );
    const godToken = await sign({ sub: "x", role: "god", exp: nowSec() + 60 }, "test-secret", "HS256");
    expect(await call("GET", "/api/admin/activities", { token: godToken })).toEqual(invalid("token invalid"));
  });

  it("answers 403 for a viewer or a host on an admin route", async () => {
    const viewer = await tokenFor("viewer");
    expect(await call("GET", "/api/admin/activities", { token: viewer })).toEqual({
      status: 403,
      body: { error: { code: "FORBIDDEN", message: "role viewer may not do this (needs admin)" } },
    });
    const host = await tokenFor("host");
    expect(await call("POST", "/api/admin/users", { token: host, body: { id: "h", name: "H" } })).toEqual({
      status: 403,
      body: { error: { code: "FORBIDDEN", message: "role host may not do this (needs admin)" } },
    });
  });

  it("answers 403 for a viewer on an operator route, before the room is reached", async () => {
    const viewer = await tokenFor("viewer");
    expect(await call("POST", `/api/rooms/${uniqueId("room")}/open`, { token: viewer })).toEqual({
      status: 403,
      body: { error: { code: "FORBIDDEN", message: "role viewer may not do this (needs host)" } },
    });
  });
});

describe("unauthenticated routes", () => {
  it("GET /healthz", async () => {
    expect(await call("GET", "/healthz")).toEqual({ status: 200, body: { ok: true } });
  });

  it("answers unknown routes with the error shape", async () => {
    expect(await call("GET", "/nope")).toEqual({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: "no route for GET /nope" } },
    });
  });
});
