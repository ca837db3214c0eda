import type { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import type { RouteHandler } from "../http/route";
import { type OpenApiDocument, openApiDocument } from "../openapi/document";

/**
 * `GET /api/openapi.json` (public): the OpenAPI 3.1 document of `app`, generated once per isolate
 * from the routes' declarations (workers/openapi/document.ts); the reference page is /api-reference.html.
 */
export function openApiRoute(app: Hono<AppEnv>): RouteHandler {
  let doc: OpenApiDocument | undefined;
  return (c) => {
    doc ??= openApiDocument(app);
    return c.json(doc);
  };
}
