// Shared by the http-*.test.ts files: tokens, JSON calls into the Worker, a valid activity body.
import { exports } from "cloudflare:workers";
import { type Role, signToken } from "../../schema/auth";

/** The secret vitest.config.ts gives the Worker. */
export const SECRET = "test-secret";

let counter = 0;
/** A fresh id for each test, so that tests never share rows or rooms. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A token for `role`, valid for an hour unless `expSec` or `secret` say otherwise. */
export function tokenFor(
  role: Role,
  opts: { sub?: string; secret?: string; expSec?: number } = {},
): Promise<string> {
  const exp = opts.expSec ?? Math.floor(Date.now() / 1000) + 3600;
  return signToken({ sub: opts.sub ?? `${role}-user`, role, exp }, opts.secret ?? SECRET);
}

export interface ApiReply<T> {
  status: number;
  body: T;
}

/** Calls the Worker with an optional bearer token and JSON body; returns the status and parsed JSON as `T`. */
export async function call<T = unknown>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiReply<T>> {
  const headers = new Headers();
  if (opts.token !== undefined) headers.set("Authorization", `Bearer ${opts.token}`);
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(opts.body);
  }
  const res = await exports.default.fetch(`http://liveroom.test${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: (text === "" ? null : JSON.parse(text)) as T };
}

/** A valid activity body; tests override one field at a time. */
export function activityBody(id: string): Record<string, unknown> {
  return {
    id,
    title: "Friday quiz",
    startAt: "2026-05-01T20:00:00Z",
    prizePoolCents: 100_000,
    questions: [
      { text: "2 + 2?", options: ["3", "4"], correct: 1 },
      { text: "Capital of France?", options: ["Paris", "Rome", "Berlin", "Madrid"], correct: 0 },
    ],
    rains: [{ totalCents: 5000, count: 100, seed: "fixed-seed" }],
  };
}
