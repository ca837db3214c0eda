import type { Context } from "hono";
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
