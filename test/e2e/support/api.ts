// Tokens and HTTP calls against the e2e server, for seeding and for checking the room's own figures.
import { sign } from "hono/jwt";
import { inject } from "vitest";

export const base = () => inject("e2eBase");

/** A token signed with the server's secret; `expSec` in the past makes an expired one. */
export function token(sub: string, role: "viewer" | "host" | "admin", expSec?: number): Promise<string> {
  const exp = expSec ?? Math.floor(Date.now() / 1000) + 3600;
  return sign({ sub, role, exp, name: sub }, inject("e2eSecret"), "HS256");
}

/** A JSON call; throws unless the status is one of `ok` (2xx by default). */
export async function call<T>(method: string, path: string, auth: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base()}${path}`, {
    method,
    headers: { Authorization: `Bearer ${auth}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

let counter = 0;
/** An id no other test or run uses: rooms and users never collide. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}${counter}`;
}

export async function seedUser(admin: string, id: string, revivalCards = 0): Promise<void> {
  await call("POST", "/api/admin/users", admin, { id, name: id, revivalCards });
}
