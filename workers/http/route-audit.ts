import type { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { declaration, type RouteRole } from "./route";

/**
 * One registered route, `METHOD /path` as in `app.routes`, the role it declares (null: none) and, for
 * a host route, the path parameter naming the activity it is scoped to.
 */
export interface RouteEntry {
  route: string;
  role: RouteRole | null;
  activityHost: string | null;
}

/** What is wrong with a route's declaration. */
export interface RouteProblem {
  route: string;
  problem:
    | "undeclared"
    | "public but not listed"
    | "listed but not public"
    | "host route without activityHost";
}

/**
 * Every route of `app` (sub-apps included, as `app.route()` mounted them) with its declared role.
 * A route declares one when the first handler registered for its method and path is `route`'s role
 * middleware; a plain `app.get(…)`, `app.all(…)` or `app.use(…)` declares none.
 * @example routeTable(app) // [{ route: "GET /healthz", role: "public" }, …]
 */
export function routeTable(app: Hono<AppEnv>): RouteEntry[] {
  const first = new Map<string, RouteEntry>();
  for (const r of app.routes) {
    const key = `${r.method} ${r.path}`;
    const d = declaration(r.handler);
    if (!first.has(key))
      first.set(key, { route: key, role: d?.role ?? null, activityHost: d?.activityHost ?? null });
  }
  return [...first.values()];
}

/**
 * The routes of `app` that declare no role, declare `public` without being on `publicRoutes`, are
 * on `publicRoutes` without being public, or declare `host` without the activity they are scoped to
 * (a host token may operate only its own activities). Empty when every route says who may call it.
 * @example expect(auditRoutes(app, PUBLIC_ROUTES)).toEqual([])
 */
export function auditRoutes(app: Hono<AppEnv>, publicRoutes: readonly string[]): RouteProblem[] {
  const listed = new Set(publicRoutes);
  const problems: RouteProblem[] = [];
  const table = routeTable(app);
  for (const { route, role, activityHost } of table) {
    if (role === null) problems.push({ route, problem: "undeclared" });
    else if (role === "public" && !listed.has(route))
      problems.push({ route, problem: "public but not listed" });
    else if (role === "host" && activityHost === null)
      problems.push({ route, problem: "host route without activityHost" });
  }
  const isPublic = new Set(table.filter((e) => e.role === "public").map((e) => e.route));
  for (const route of listed) {
    if (!isPublic.has(route)) problems.push({ route, problem: "listed but not public" });
  }
  return problems;
}
