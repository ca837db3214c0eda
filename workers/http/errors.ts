import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error shape of the HTTP API. `field` is the dotted path of the offending input, when there is one. */
export interface ErrorBody {
  error: { code: string | number; message: string; field?: string };
}

/**
 * An expected failure with its status and a stable string code; thrown from handlers, answered by `onError`.
 * @example throw new ApiError(400, "VALIDATION_FAILED", "title is required", "title")
 */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: ContentfulStatusCode, code: string, message: string, field?: string) {
    super(status, { message });
    this.code = code;
    this.field = field;
  }
}

/** Builds the JSON error response for any code (string codes for the API, proto codes on the upgrade). */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string | number,
  message: string,
  field?: string,
): Response {
  const body: ErrorBody = { error: field === undefined ? { code, message } : { code, message, field } };
  return c.json(body, status);
}

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  400: "BAD_REQUEST",
  401: "TOKEN_INVALID",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "TOO_LARGE",
  426: "UPGRADE_REQUIRED",
};

/** The app's only error handler: ApiError as is, other HTTPExceptions by status, anything else a logged 500. */
export const onError: ErrorHandler = (err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.field);
  if (err instanceof HTTPException) {
    return errorResponse(
      c,
      err.status,
      CODE_BY_STATUS[err.status] ?? "ERROR",
      err.message || "request failed",
    );
  }
  console.error("unhandled error", c.req.method, c.req.path, err);
  return errorResponse(c, 500, "INTERNAL", "internal error");
};

/** Unknown routes answer in the same shape as every other error. */
export const notFound: NotFoundHandler = (c) =>
  errorResponse(c, 404, "NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
