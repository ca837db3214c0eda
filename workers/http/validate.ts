import type { Context, MiddlewareHandler } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { ApiError } from "./errors";

/** The dotted path of the first issue (`questions.1.options`); an unknown key names the key itself. */
function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: "", message: "invalid input" };
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return { field: [...path, key].join("."), message: "is not a known field" };
  }
  return { field: path.join("."), message: issue.message };
}

/**
 * Parses `input` with `schema` or throws a 400 VALIDATION_FAILED naming the first offending field.
 * `prefix` roots the path for inputs that are not the body (e.g. a query parameter).
 * @example const body = parseInput(ActivityInput, await readJsonBody(c))
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw new ApiError(400, "VALIDATION_FAILED", field ? `${field} ${message}` : message, field || undefined);
}

/** Largest JSON body accepted, in characters: an activity with 50 questions and 20 rains fits with room to spare. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads the request body as JSON. An empty body reads as `{}` so that bodies made only of
 * optional fields (e.g. `{ streamTsMs? }`) may be left out.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) {
    throw new ApiError(413, "TOO_LARGE", `body over ${MAX_BODY_BYTES} characters`);
  }
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "INVALID_JSON", "body is not valid JSON");
  }
}

/**
 * Validates the path parameters before the handler runs; read them with `c.req.valid("param")`.
 * @example route(app, "get", "/activities/:id", { role: "admin", param: ActivityParams }, handler)
 */
export function paramInput(schema: z.ZodType): MiddlewareHandler {
  return validator("param", (value) => parseInput(schema, value));
}

/**
 * Validates the query string; read it with `c.req.valid("query")`. It reads `c.req.query()` (the
 * first value of a repeated key), as the handlers always did, rather than hono's arrays.
 * @example route(app, "get", "/activities", { role: "public", query: ListLimitQuery }, handler)
 */
export function queryInput(schema: z.ZodType): MiddlewareHandler {
  return validator("query", (_value, c) => parseInput(schema, c.req.query()));
}

/**
 * Validates the named request headers (the object's keys, spelled as in the API); read them with
 * `c.req.valid("header")`. A bad one is a 400 naming it: "Idempotency-Key header is required".
 * @example route(app, "post", "/withdrawals", { role: "viewer", header: IdempotencyHeader }, handler)
 */
export function headerInput(schema: z.ZodObject): MiddlewareHandler {
  return validator("header", (_value, c) => {
    const headers = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, c.req.header(name)]));
    const result = schema.safeParse(headers);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? "");
    throw new ApiError(400, "VALIDATION_FAILED", `${name} header ${issue?.message ?? "is invalid"}`, name);
  });
}

/**
 * Validates the JSON body; read it with `c.req.valid("json")`. Not hono's `validator("json")`: that
 * one skips a body sent without `Content-Type: application/json` and answers its own 400 for bad JSON,
 * where the API reads any body (`readJsonBody`: empty is `{}`, 413 TOO_LARGE, 400 INVALID_JSON).
 * @example route(app, "post", "/users", { role: "admin", json: UserInput }, handler)
 */
export function jsonInput(schema: z.ZodType): MiddlewareHandler {
  return async (c, next) => {
    c.req.addValidatedData("json", parseInput(schema, await readJsonBody(c)) as object);
    await next();
  };
}
