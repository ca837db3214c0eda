import type { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { RATE_LIMITS } from "../http/rate-limit";
import { declaration, type RouteDeclaration } from "../http/route";
import type { OperationDoc } from "./operation-doc";
import { OPERATIONS } from "./operations";

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) as zod writes it. */
export type JsonSchema = { [key: string]: unknown };

/** One parameter of an operation. */
export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
}

/** One operation of the document, with the role and limits its route declares as extensions. */
export interface OperationObject {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  security: { bearer: [] }[];
  parameters: ParameterObject[];
  requestBody?: {
    required: boolean;
    content: { "application/json": { schema: JsonSchema; example?: unknown } };
  };
  responses: Record<
    string,
    { description: string; content?: { "application/json": { schema: JsonSchema } } }
  >;
  "x-liveroom-role": RouteDeclaration["role"];
  "x-liveroom-limits"?: string[];
}

/** The OpenAPI 3.1 document of the API. */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    securitySchemes: { bearer: { type: "http"; scheme: "bearer"; bearerFormat: "JWT" } };
    schemas: { Error: JsonSchema };
  };
}

/** The one error body of the API (workers/http/errors.ts); `rows` only on a bank import's IMPORT_INVALID. */
export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.union([z.string(), z.int()]),
    message: z.string(),
    field: z.string().optional(),
    rows: z
      .array(
        z.strictObject({ row: z.int(), line: z.int().optional(), field: z.string(), message: z.string() }),
      )
      .optional(),
  }),
});

/**
 * A zod schema as JSON Schema: `io: "input"` for what a request may send (before defaults and
 * transforms), "output" for what a response holds. Refinements that JSON Schema cannot say (an
 * option index below the option count) are enforced by the route, which answers 400 naming the field.
 */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ERROR_REF } },
});

/** `/api/rooms/:id/open` → `/api/rooms/{id}/open`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/** The `:names` of a Hono path, in order. */
export function pathParamNames(honoPath: string): string[] {
  return [...honoPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? "");
}

/** `POST /api/admin/activities/:id/host` → `postApiAdminActivitiesIdHost`. */
function operationId(method: string, honoPath: string): string {
  const words = honoPath.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  return method.toLowerCase() + words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
}

/** The area a path belongs to, as the reference page groups them. */
export function tagOf(honoPath: string): string {
  if (honoPath.startsWith("/api/admin/bank")) return "question bank";
  const area = /^\/api\/(admin|rooms|me|leaderboards|signup|join)\b/.exec(honoPath)?.[1];
  if (area !== undefined) return area;
  if (honoPath.startsWith("/rooms/")) return "join";
  return "public";
}

function parametersOf(where: ParameterObject["in"], schema: z.ZodType): ParameterObject[] {
  const js = jsonSchemaOf(schema, "input");
  const properties = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: s,
  }));
}

function operationOf(method: string, path: string, d: RouteDeclaration, doc: OperationDoc): OperationObject {
  const { inputs } = d;
  const parameters: ParameterObject[] = [
    ...(inputs.param === undefined ? [] : parametersOf("path", inputs.param)),
    ...(inputs.query === undefined ? [] : parametersOf("query", inputs.query)),
    ...(inputs.header === undefined ? [] : parametersOf("header", inputs.header)),
  ];
  // A path parameter the route reads without a schema is still part of its path.
  for (const name of pathParamNames(path)) {
    if (!parameters.some((p) => p.in === "path" && p.name === name)) {
      parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
    }
  }
  const responses: OperationObject["responses"] = {};
  for (const ok of doc.ok) {
    responses[String(ok.status)] =
      ok.schema === undefined
        ? { description: ok.description }
        : {
            description: ok.description,
            content: { "application/json": { schema: jsonSchemaOf(ok.schema, "output") } },
          };
  }
  const common: Record<number, string> = {};
  const anyInput = parameters.length > 0 || inputs.json !== undefined;
  if (anyInput)
    common[400] = "VALIDATION_FAILED: the first invalid, missing or unknown field is named in `field`";
  if (inputs.json !== undefined) {
    common[400] = `${common[400]}; INVALID_JSON: the body is not JSON`;
    common[413] = "TOO_LARGE: the body is over 256 Ki characters";
  }
  if (d.role === "viewer" || d.role === "host" || d.role === "admin") {
    common[401] = "TOKEN_INVALID: the token is missing, malformed, forged, expired or of an unknown role";
  }
  if (d.role === "host" || d.role === "admin") {
    common[403] =
      d.role === "host"
        ? "FORBIDDEN: the role is too weak, or a host token on an activity it does not host"
        : "FORBIDDEN: the token's role is not admin";
  }
  if (d.role === "socket") common[426] = "UPGRADE_REQUIRED: the request is not a WebSocket upgrade";
  if (d.limits.length > 0)
    common[429] = "RATE_LIMITED: called too often; `Retry-After` gives the seconds to wait";
  common[500] = "INTERNAL: a bug; logged";
  const statuses = new Set([...Object.keys(common), ...Object.keys(doc.errors ?? {})].map(Number));
  for (const status of [...statuses].sort((a, b) => a - b)) {
    const parts = [doc.errors?.[status], common[status]].filter((p) => p !== undefined);
    responses[String(status)] = errorResponse(parts.join("; "));
  }
  const op: OperationObject = {
    operationId: operationId(method, path),
    tags: [tagOf(path)],
    summary: doc.summary,
    security: d.role === "public" || d.role === "socket" ? [] : [{ bearer: [] }],
    parameters,
    responses,
    "x-liveroom-role": d.role,
  };
  if (doc.description !== undefined) op.description = doc.description;
  if (inputs.json !== undefined) {
    // An empty body reads as `{}` (workers/http/validate.ts): a body of optional fields may be left out.
    const json: { schema: JsonSchema; example?: unknown } = { schema: jsonSchemaOf(inputs.json, "input") };
    if (doc.example !== undefined) json.example = doc.example;
    op.requestBody = { required: !inputs.json.safeParse({}).success, content: { "application/json": json } };
  }
  if (d.limits.length > 0) {
    op["x-liveroom-limits"] = d.limits.map((n) => `${RATE_LIMITS[n].by}: ${RATE_LIMITS[n].what}`);
  }
  return op;
}

/** A registered route with no entry in `operations`: the document cannot be made without one. */
export class UndocumentedRouteError extends Error {}

/**
 * The OpenAPI 3.1 document of every route of `app` registered through `route(...)`: paths, methods,
 * roles and inputs from the declarations, the rest from `operations` (one entry per `METHOD /path`).
 * @example const doc = openApiDocument(app); doc.paths["/api/admin/activities"]?.post?.requestBody
 */
export function openApiDocument(
  app: Hono<AppEnv>,
  operations: Readonly<Record<string, OperationDoc>> = OPERATIONS,
): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  const seen = new Set<string>();
  for (const r of app.routes) {
    const key = `${r.method} ${r.path}`;
    const d = declaration(r.handler);
    if (seen.has(key) || d === undefined) continue;
    seen.add(key);
    const doc = operations[key];
    if (doc === undefined)
      throw new UndocumentedRouteError(`${key} has no entry in workers/openapi/operations.ts`);
    const byMethod = paths[openApiPath(r.path)] ?? {};
    byMethod[r.method.toLowerCase()] = operationOf(r.method, r.path, d, doc);
    paths[openApiPath(r.path)] = byMethod;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "liveroom HTTP API",
      version: "0.1.0",
      description:
        "JSON in and out; money in integer cents, times in epoch ms. Tokens are HS256 JWTs sent as `Authorization: Bearer <jwt>`; each operation's `x-liveroom-role` is the weakest role allowed (viewer < host < admin). The room's WebSocket protocol is schema/live.proto.",
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Error: jsonSchemaOf(ErrorBodySchema, "output") },
    },
  };
}
