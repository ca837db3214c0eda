import type { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { declaredRole, type RouteRole } from "./route";

/** One registered route, `METHOD /path` as in `app.routes`, and the role it declares (null: none). */
export interface RouteEntry {
  route: string;
  role: RouteRole | null;
}

/** What is wrong with a route's declaration. */
export interface RouteProblem {
  route: string;
  problem: "undeclared" | "public but not listed" | "listed but not public";
}

/**
 * Every route of `app` (sub-apps included, as `app.route()` mounted them) with its declared role.
 * A route declares one when the first handler registered for its method and path is `route`'s role
 * middleware; a plain `app.get(…)`, `app.all(…)` or `app.use(…)` declares none.
 * @example routeTable(app) // [{ route: "GET /healthz", role: "public" }, …]
 */
export function routeTable(app: Hono<AppEnv>): RouteEntry[] {
  const first = new Map<string, RouteRole | null>();
  for (const r of app.routes) {
    const key = `${r.method} ${r.path}`;
    if (!first.has(key)) first.set(key, declaredRole(r.handler) ?? null);
  }
  return [...first].map(([route, role]) => ({ route, role }));
}

/**
 * The routes of `app` that declare no role, declare `public` without being on `publicRoutes`, or are
 * on `publicRoutes` without being public. Empty when every route says who may call it.
 * @example expect(auditRoutes(app, PUBLIC_ROUTES)).toEqual([])
 */
export function auditRoutes(app: Hono<AppEnv>, publicRoutes: readonly string[]): RouteProblem[] {
  const listed = new Set(publicRoutes);
  const problems: RouteProblem[] = [];
  const table = routeTable(app);
  for (const { route, role } of table) {
    if (role === null) problems.push({ route, problem: "undeclared" });
    else if (role === "public" && !listed.has(route))
      problems.push({ route, problem: "public but not listed" });
  }
  const isPublic = new Set(table.filter((e) => e.role === "public").map((e) => e.route));
  for (const route of listed) {
    if (!isPublic.has(route)) problems.push({ route, problem: "listed but not public" });
  }
  return problems;
}
