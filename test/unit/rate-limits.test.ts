// The rate limits the routes declare (workers/http/rate-limit.ts) against the bindings wrangler.toml
// configures: the same names, and the period a 429's Retry-After promises is the binding's own.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RATE_LIMITS } from "../../workers/http/rate-limit";
import { DEFAULT_INVITE_REWARD_CAP } from "../../workers/invites/rules";

const toml = readFileSync(join(import.meta.dirname, "..", "..", "wrangler.toml"), "utf8");

/** Each `[[ratelimits]]` block's name, namespace and simple limit, read with the few patterns it uses. */
function ratelimits(): Map<string, { namespace: string; limit: number; period: number }> {
  const out = new Map<string, { namespace: string; limit: number; period: number }>();
  for (const block of toml.split("[[ratelimits]]").slice(1)) {
    const name = /^name = "([A-Z_]+)"$/m.exec(block)?.[1];
    const namespace = /^namespace_id = "(\d+)"$/m.exec(block)?.[1];
    const simple = /^simple = \{ limit = (\d+), period = (\d+) \}$/m.exec(block);
    if (name === undefined || namespace === undefined || simple === null)
      throw new Error(`bad block ${block}`);
    out.set(name, { namespace, limit: Number(simple[1]), period: Number(simple[2]) });
  }
  return out;
}

describe("rate limits", () => {
  it("every declared limit names a binding of wrangler.toml, with its period as the Retry-After", () => {
    const bindings = ratelimits();
    for (const [name, rule] of Object.entries(RATE_LIMITS)) {
      expect([name, bindings.get(rule.binding)?.period]).toEqual([name, rule.periodSec]);
    }
  });

  it("configures the documented limits, each binding in its own namespace, and the room's gift limit", () => {
    const bindings = ratelimits();
    expect(Object.fromEntries([...bindings].map(([n, b]) => [n, [b.limit, b.period]]))).toEqual({
      SIGNUP_IP_LIMIT: [20, 60],
      SIGNUP_USER_LIMIT: [5, 60],
      INVITE_LIMIT: [5, 60],
      WITHDRAWAL_LIMIT: [20, 60],
      GIFT_LIMIT: [20, 10],
    });
    const namespaces = [...bindings.values()].map((b) => b.namespace);
    expect(new Set(namespaces).size).toBe(namespaces.length);
  });

  it("sets INVITE_REWARD_CAP to the documented default", () => {
    expect(/^INVITE_REWARD_CAP = "(\d+)"$/m.exec(toml)?.[1]).toBe(String(DEFAULT_INVITE_REWARD_CAP));
  });
});
