// The published answer shapes of a real show's routes (docs/openapi.md): an activity created and read
// back by the admin, every room control's `{ stats }` on a room of two shards with a viewer on each, and
// the room's health, the public page of the activity live and ended, each checked against the schema the OpenAPI document publishes for it.
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it, vi } from "vitest";
import type { OpenApiDocument } from "../../workers/openapi/document";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";
import { RawClient, roomStub } from "./support/raw-client";

type Json = ConstructorParameters<typeof Validator>[0];

/** Errors of `body` against the schema the document publishes for `method path` answering `status`. */
function errorsOf(
  doc: OpenApiDocument,
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const documented = doc.paths[path]?.[method]?.responses[String(status)];
  if (documented === undefined) return [`${method.toUpperCase()} ${path} ${status}: not documented`];
  // Errors have the one shape of the document's components.
  const schema =
    status >= 400 ? doc.components.schemas.Error : documented.content?.["application/json"].schema;
  if (schema === undefined) return [`${method.toUpperCase()} ${path} ${status}: no published schema`];
  const r = new Validator(schema as Json, "2020-12", false).validate(body);
  return r.errors.map((e) => `${method.toUpperCase()} ${path}: ${e.instanceLocation} ${e.error}`);
}

describe("published answer shapes", () => {
  it("the activity detail, every room control's stats and the health fit their schemas", async () => {
    const doc = (await call<OpenApiDocument>("GET", "/api/openapi.json")).body;
    const admin = await tokenFor("admin");
    const id = uniqueId("shape");
    const problems: string[] = [];
    const check = async (method: string, path: string, docPath: string, status: number, body?: unknown) => {
      const r = await call(method.toUpperCase(), path, { token: admin, body });
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
      problems.push(...errorsOf(doc, method, docPath, status, r.body));
      return r.body;
    };

    await check("post", "/api/admin/activities", "/api/admin/activities", 201, {
      ...activityBody(id),
      shards: 2,
      answerWindowMs: 30_000,
    });
    await check("get", `/api/admin/activities/${id}`, "/api/admin/activities/{id}", 200);
    const viewers = [await RawClient.join(id, `${id}-a`), await RawClient.join(id, `${id}-b`)];
    await check("post", `/api/rooms/${id}/open`, "/api/rooms/{id}/open", 200);
    await check("post", `/api/rooms/${id}/questions/0/push`, "/api/rooms/{id}/questions/{k}/push", 200, {
      streamTsMs: 0,
    });
    for (const v of viewers) await v.answer(0, 1);
    const stats = (await check("get", `/api/rooms/${id}/stats`, "/api/rooms/{id}/stats", 200)) as {
      stats: Record<string, unknown>;
    };
    // The schemas are exact: a field more, or one missing, fails.
    expect(
      errorsOf(doc, "get", "/api/rooms/{id}/stats", 200, { stats: { ...stats.stats, extra: 1 } }),
    ).not.toEqual([]);
    const { likes: _likes, ...fewer } = stats.stats;
    expect(errorsOf(doc, "get", "/api/rooms/{id}/stats", 200, { stats: fewer })).not.toEqual([]);
    const health = (await check("get", `/api/rooms/${id}/health`, "/api/rooms/{id}/health", 200)) as {
      health: { questions: { answers: number }[] };
    };
    expect(health.health.questions[0]!.answers).toBe(2);
    await check("post", `/api/rooms/${id}/questions/0/reveal`, "/api/rooms/{id}/questions/{k}/reveal", 200, {
      streamTsMs: 0,
    });
    await check("post", `/api/rooms/${id}/end`, "/api/rooms/{id}/end", 409);
    await check("get", `/api/activities/${id}`, "/api/activities/{id}", 200);
    // The second question, then the end: the public page of an ended activity has its result.
    for (const op of ["push", "reveal"])
      await check("post", `/api/rooms/${id}/questions/1/${op}`, `/api/rooms/{id}/questions/{k}/${op}`, 200, {
        streamTsMs: 0,
      });
    await check("post", `/api/rooms/${id}/end`, "/api/rooms/{id}/end", 200);
    const ended = (await check("get", `/api/activities/${id}`, "/api/activities/{id}", 200)) as {
      result: unknown;
    };
    expect(ended.result).not.toBeNull();
    expect(problems).toEqual([]);

    // Nothing between the room's objects outlives the test.
    for (const v of viewers) v.close();
    await vi.waitUntil(
      async () => {
        const s = await roomStub(id).control(id, { kind: "stats" });
        return s.ok && s.stats.online === 0;
      },
      { timeout: 10_000, interval: 50 },
    );
  }, 30_000);
});
