import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { PUBLIC_ROUTES } from "../../workers/areas/public";
import type { AppEnv } from "../../workers/http/app-env";
import { type RouteHandler, route } from "../../workers/http/route";
import { auditRoutes, routeTable } from "../../workers/http/route-audit";
import { app } from "../../workers/index";
import { call, tokenFor } from "./http-helpers";

const table = routeTable(app);
const roleOf = (r: string) => table.find((e) => e.route === r)?.role;
/** A concrete URL for a route pattern: every `:param` becomes a valid-looking value. */
const urlOf = (pattern: string) => pattern.replace(/:[A-Za-z]+/g, "0");

describe("every route declares who may call it", () => {
  it("has no route without a role, and public ones are exactly PUBLIC_ROUTES", () => {
    expect(table.length).toBeGreaterThan(30);
    expect(auditRoutes(app, PUBLIC_ROUTES)).toEqual([]);
  });

  it("declares the expected role on representative routes", () => {
    expect(roleOf("POST /api/admin/activities")).toBe("admin");
    expect(roleOf("POST /api/admin/withdrawals/:id/paid")).toBe("admin");
    expect(roleOf("POST /api/rooms/:id/open")).toBe("host");
    expect(roleOf("POST /api/rooms/:id/mutes")).toBe("host");
    expect(roleOf("GET /api/me/balance")).toBe("viewer");
    expect(roleOf("POST /api/signup")).toBe("viewer");
    expect(roleOf("GET /api/join/:id")).toBe("viewer");
    expect(roleOf("GET /rooms/:id/ws")).toBe("socket");
    expect(roleOf("GET /healthz")).toBe("public");
    expect(roleOf("GET /api/activities/:id/replay")).toBe("public");
  });

  it("answers 401 without a token on every route that needs one, before validating anything", async () => {
    const guarded = table.filter((e) => e.role !== "public" && e.role !== "socket");
    for (const { route: r } of guarded) {
      const [method, pattern] = r.split(" ") as [string, string];
      // A body that is not JSON: the role is checked first, so it is never read.
      const res = await call(method, urlOf(pattern), method === "GET" ? {} : { rawBody: "{not json" });
      expect([r, res]).toEqual([
        r,
        {
          status: 401,
          body: { error: { code: "TOKEN_INVALID", message: "missing Authorization: Bearer <token>" } },
        },
      ]);
    }
  });

  it("answers 403 for a viewer on every admin and host route", async () => {
    const viewer = await tokenFor("viewer");
    for (const { route: r, role } of table.filter((e) => e.role === "admin" || e.role === "host")) {
      const [method, pattern] = r.split(" ") as [string, string];
      const res = await call(method, urlOf(pattern), { token: viewer });
      expect([r, res]).toEqual([
        r,
        {
          status: 403,
          body: { error: { code: "FORBIDDEN", message: `role viewer may not do this (needs ${role})` } },
        },
      ]);
    }
  });

  // A valid body for each host route that reads one (matched by the end of its path).
  const HOST_BODIES: [string, unknown][] = [
    ["/mutes", { userId: "someone", durationMs: 1000 }],
    ["/shadow-mutes", { userId: "someone", on: true }],
    ["/slow-mode", { seconds: 10 }],
    ["/danmaku/words", { words: ["spam"] }],
  ];

  it("answers 403 for a host on every host route of an activity it does not host, after validation", async () => {
    const host = await tokenFor("host", { sub: "host-of-nothing" });
    const hostRoutes = table.filter((e) => e.role === "host");
    expect(hostRoutes.length).toBeGreaterThan(7);
    for (const { route: r, activityHost } of hostRoutes) {
      expect([r, activityHost]).toEqual([r, "id"]);
      const [method, pattern] = r.split(" ") as [string, string];
      // A valid body where the route reads one: the scope is the last check before the handler.
      const body = HOST_BODIES.find(([end]) => pattern.endsWith(end))?.[1];
      const res = await call(method, urlOf(pattern), { token: host, body });
      expect([r, res]).toEqual([
        r,
        {
          status: 403,
          body: {
            error: { code: "FORBIDDEN", message: "only the host of activity 0 or an admin may do this" },
          },
        },
      ]);
    }
  });

  it("answers 426 on the socket route without an upgrade, whatever the token", async () => {
    expect(await call("GET", "/rooms/not-a-slug!/ws")).toMatchObject({
      status: 426,
      body: { error: { code: "UPGRADE_REQUIRED" } },
    });
  });
});

describe("auditRoutes", () => {
  const noop: RouteHandler = (c) => c.json({});

  it("reports a route registered without a role, in a sub-app as well, and a middleware by path", () => {
    const sub = new Hono<AppEnv>();
    route(sub, "get", "/fine", { role: "viewer" }, noop);
    sub.post("/sneaky", noop);
    const throwaway = new Hono<AppEnv>();
    route(throwaway, "get", "/open", { role: "public" }, noop);
    throwaway.get("/forgotten", noop);
    throwaway.use("/api/*", async (_c, next) => next());
    throwaway.route("/api/area", sub);
    expect(auditRoutes(throwaway, ["GET /open"])).toEqual([
      { route: "GET /forgotten", problem: "undeclared" },
      { route: "ALL /api/*", problem: "undeclared" },
      { route: "POST /api/area/sneaky", problem: "undeclared" },
    ]);
  });

  it("reports a handler registered ahead of a declared route on the same method and path", () => {
    const throwaway = new Hono<AppEnv>();
    throwaway.get("/admin-thing", noop);
    route(throwaway, "get", "/admin-thing", { role: "admin" }, noop);
    expect(auditRoutes(throwaway, [])).toEqual([{ route: "GET /admin-thing", problem: "undeclared" }]);
  });

  it("reports a host route that does not say which activity it operates", () => {
    const throwaway = new Hono<AppEnv>();
    route(throwaway, "post", "/rooms/:id/open", { role: "host" }, noop);
    route(throwaway, "post", "/rooms/:id/end", { role: "host", activityHost: "id" }, noop);
    expect(auditRoutes(throwaway, [])).toEqual([
      { route: "POST /rooms/:id/open", problem: "host route without activityHost" },
    ]);
    expect(() => route(throwaway, "get", "/x/:id", { role: "viewer", activityHost: "id" }, noop)).toThrow(
      "GET /x/:id: activityHost scopes host routes only, not viewer",
    );
  });

  it("holds public declarations and the public list together", () => {
    const throwaway = new Hono<AppEnv>();
    route(throwaway, "get", "/unlisted", { role: "public" }, noop);
    route(throwaway, "get", "/listed-but-guarded", { role: "viewer" }, noop);
    expect(auditRoutes(throwaway, ["GET /listed-but-guarded"])).toEqual([
      { route: "GET /unlisted", problem: "public but not listed" },
      { route: "GET /listed-but-guarded", problem: "listed but not public" },
    ]);
  });
});
