import type { Handler, Hono, MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { Role } from "../../schema/auth";
import { requireRole } from "../auth/middleware";
import { requireActivityHost } from "./activity-host";
import type { AppEnv } from "./app-env";
import { errorResponse } from "./errors";
import { type RateLimitName, rateLimit } from "./rate-limit";
import { headerInput, jsonInput, paramInput, queryInput } from "./validate";

/**
 * Who may call a route. A token role (viewer < host < admin) is checked before anything else runs;
 * `public` is an explicit "no token", allowed only for the routes on `PUBLIC_ROUTES`
 * (workers/areas/public.ts); `socket` is the WebSocket upgrade, which must carry `Upgrade: websocket`
 * and whose token (query or subprotocol, or a later auth frame) its handler checks itself.
 */
export type RouteRole = Role | "public" | "socket";

/** What a route declares at registration: its role, its scope and limits, and the schemas of the inputs it reads. */
export interface RouteSpec {
  role: RouteRole;
  /**
   * For `host` routes (required there, by the route audit): the path parameter naming the activity.
   * A host may then operate only the activities it hosts, an admin any (workers/http/activity-host.ts).
   */
  activityHost?: string;
  /** Rate limits checked right after the role (workers/http/rate-limit.ts): 429 RATE_LIMITED with Retry-After. */
  limits?: readonly RateLimitName[];
  param?: z.ZodType;
  query?: z.ZodType;
  header?: z.ZodObject;
  json?: z.ZodType;
}

type Target = "param" | "query" | "header" | "json";
type Validated<S, K extends Target> = S extends { [k in K]: infer Z extends z.ZodType }
  ? { [k in K]: z.output<Z> }
  : object;

/** The inputs a handler may read with `c.req.valid(target)`, from the schemas of its spec. */
export type ValidatedInput<S> = {
  out: Validated<S, "param"> & Validated<S, "query"> & Validated<S, "header"> & Validated<S, "json">;
};

/**
 * A route handler typed by the inputs it reads.
 * @example export const adminActivityGet: RouteHandler<{ param: typeof ActivityParams }> = async (c) => { const { id } = c.req.valid("param"); … }
 */
export type RouteHandler<S = unknown> = Handler<AppEnv, string, ValidatedInput<S>>;

/** The input schemas a route declared, as given to `route` (the OpenAPI document is generated from them). */
export interface RouteInputs {
  param?: z.ZodType;
  query?: z.ZodType;
  header?: z.ZodObject;
  json?: z.ZodType;
}

/**
 * What a route declared: its role and, for a host route, its activity parameter (which the audit
 * checks), its rate limits and its input schemas (which workers/openapi/document.ts publishes).
 */
export interface RouteDeclaration {
  role: RouteRole;
  activityHost: string | null;
  limits: readonly RateLimitName[];
  inputs: RouteInputs;
}

/** The declaration each registration's first middleware stands for; `routeTable` reads it back from `app.routes`. */
const declared = new WeakMap<object, RouteDeclaration>();

/** The role a handler of `app.routes` declares, if it is a role middleware put there by `route`. */
export function declaredRole(handler: object): RouteRole | undefined {
  return declared.get(handler)?.role;
}

/** The whole declaration of a handler of `app.routes`, if it is a role middleware put there by `route`. */
export function declaration(handler: object): RouteDeclaration | undefined {
  return declared.get(handler);
}

/** `socket`: only an upgrade reaches the room (426 otherwise, with the header that names it). */
const requireUpgrade: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    c.header("Upgrade", "websocket");
    return errorResponse(c, 426, "UPGRADE_REQUIRED", "this route only accepts a WebSocket upgrade");
  }
  await next();
};

const anyone: MiddlewareHandler<AppEnv> = async (_c, next) => {
  await next();
};

/** A fresh middleware per route, so that what it declares is recorded for that route alone. */
function roleMiddleware(spec: RouteSpec): MiddlewareHandler<AppEnv> {
  const { role } = spec;
  const check = role === "public" ? anyone : role === "socket" ? requireUpgrade : requireRole(role);
  const first: MiddlewareHandler<AppEnv> = (c, next) => check(c, next);
  const inputs: RouteInputs = {};
  if (spec.param !== undefined) inputs.param = spec.param;
  if (spec.query !== undefined) inputs.query = spec.query;
  if (spec.header !== undefined) inputs.header = spec.header;
  if (spec.json !== undefined) inputs.json = spec.json;
  declared.set(first, { role, activityHost: spec.activityHost ?? null, limits: spec.limits ?? [], inputs });
  return first;
}

/**
 * Registers one route with its role, limits, input schemas and scope: the role's check runs first,
 * then the rate limits (429 RATE_LIMITED), the validators (path, query, headers, body: the first fault
 * is a 400 VALIDATION_FAILED), the activity scope (403 FORBIDDEN), then `handler`.
 * Routes are registered only through here: test/workers/http-routes.test.ts fails on any other.
 * @example route(admin, "get", "/activities/:id", { role: "admin", param: ActivityParams }, adminActivityGet)
 */
export function route<const S extends RouteSpec>(
  app: Hono<AppEnv>,
  method: "get" | "post" | "put" | "delete",
  path: string,
  spec: S,
  handler: RouteHandler<NoInfer<S>>,
): void {
  if (spec.activityHost !== undefined && spec.role !== "host") {
    throw new Error(
      `${method.toUpperCase()} ${path}: activityHost scopes host routes only, not ${spec.role}`,
    );
  }
  const chain: MiddlewareHandler<AppEnv>[] = [roleMiddleware(spec)];
  if (spec.limits !== undefined && spec.limits.length > 0) chain.push(rateLimit(spec.limits));
  if (spec.param !== undefined) chain.push(paramInput(spec.param));
  if (spec.query !== undefined) chain.push(queryInput(spec.query));
  if (spec.header !== undefined) chain.push(headerInput(spec.header));
  if (spec.json !== undefined) chain.push(jsonInput(spec.json));
  // Last before the handler: one D1 read, only for a request that is otherwise valid.
  if (spec.activityHost !== undefined) chain.push(requireActivityHost(spec.activityHost));
  // The spec and the handler's type agree by construction; Hono's own route types cannot see that.
  chain.push(handler as MiddlewareHandler<AppEnv>);
  // One registration per handler, in order: what `app.on(method, path, ...handlers)` does itself.
  for (const h of chain) app.on(method.toUpperCase(), path, h);
}
