// Abuse resistance over HTTP (docs/security.md): rate limits, invite farming, host tokens scoped to
// their activities, and the API's security headers. Each test plays the attack and checks exactly
// what it gets, and that a refused request wrote nothing.
import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { ActivityDetail } from "../../schema/queries/activities";
import { mayOperate } from "../../workers/http/activity-host";
import type { AppEnv } from "../../workers/http/app-env";
import { route } from "../../workers/http/route";
import { CIRCULAR_MESSAGE } from "../../workers/invites/rules";
import { userAccount } from "../../workers/ledger/accounts";
import { RoomParams } from "../../workers/rooms/control";
import { roomWs } from "../../workers/routes/room-ws";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";
import { questions } from "./support/game";
import { balance, deliver } from "./support/ledger";
import { createActivity } from "./support/raw-client";

// wrangler.toml: [[ratelimits]] and INVITE_REWARD_CAP.
const SIGNUPS_PER_IP = 20;
const PER_USER = 5;
const WITHDRAWALS_PER_USER = 20;
const CAP = 10;

interface Reply<T = Record<string, unknown>> {
  status: number;
  retryAfter: string | null;
  body: T & { error?: { code: string; message: string; field?: string } };
}

/** POSTs JSON as `sub` (a viewer), from `ip` when given (as Cloudflare's edge would say). */
async function post<T>(
  path: string,
  sub: string,
  body: unknown,
  opts: { ip?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers = new Headers({
    Authorization: `Bearer ${await tokenFor("viewer", { sub })}`,
    "Content-Type": "application/json",
    ...opts.headers,
  });
  if (opts.ip !== undefined) headers.set("CF-Connecting-IP", opts.ip);
  const res = await exports.default.fetch(`http://liveroom.test${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get("Retry-After"), body: await res.json() };
}

type SignupBody = { user: { inviteCode: string }; invitedBy: string | null; inviterRewarded: boolean | null };
const signUp = (sub: string, inviteCode?: string, ip?: string) =>
  post<SignupBody>("/api/signup", sub, inviteCode === undefined ? { name: sub } : { name: sub, inviteCode }, {
    ...(ip === undefined ? {} : { ip }),
  });
const redeem = (sub: string, code: string) =>
  post<{ inviterId: string; inviterRewarded: boolean }>("/api/me/invite/redeem", sub, { code });

let ipCounter = 0;
/** An address no other test uses, so that per-address counts never mix. */
function uniqueIp(): string {
  ipCounter += 1;
  return `10.77.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

/**
 * Waits for the next window when the current one ends within `needMs`: the local limiter counts in
 * windows aligned to the epoch, and a burst split over two of them would pass.
 */
async function freshWindow(periodSec: number, needMs = 5_000): Promise<void> {
  const ms = periodSec * 1000;
  const left = ms - (Date.now() % ms);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

async function count(sql: string, ...args: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...args)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
const cards = async (userId: string) =>
  (
    await env.DB.prepare("SELECT revival_cards FROM users WHERE id = ?")
      .bind(userId)
      .first<{ revival_cards: number }>()
  )?.revival_cards ?? -1;
const usersAmong = (ids: readonly string[]) =>
  count(`SELECT COUNT(*) AS n FROM users WHERE id IN (${ids.map(() => "?").join(",")})`, ...ids);
const redemptionsOf = (inviterId: string) =>
  count("SELECT COUNT(*) AS n FROM invite_redemptions WHERE inviter_id = ?", inviterId);

const RATE_LIMITED = (what: string) => ({
  error: { code: "RATE_LIMITED", message: `too many ${what}: try again in 60 s` },
});

describe("rate limits: 429 RATE_LIMITED with Retry-After, and nothing written", () => {
  it("sign-up: 20 a minute from one address; the 21st writes no user; another address still gets in", {
    timeout: 20_000,
  }, async () => {
    await freshWindow(60);
    const ip = uniqueIp();
    const ids = Array.from({ length: SIGNUPS_PER_IP + 1 }, () => uniqueId("ipsu"));
    const replies = [];
    for (const id of ids) replies.push(await signUp(id, undefined, ip));
    expect(replies.slice(0, SIGNUPS_PER_IP).map((r) => r.status)).toEqual(Array(SIGNUPS_PER_IP).fill(201));
    const last = replies[SIGNUPS_PER_IP]!;
    expect(last).toEqual({
      status: 429,
      retryAfter: "60",
      body: RATE_LIMITED("sign-ups from this address"),
    });
    expect(await usersAmong(ids)).toBe(SIGNUPS_PER_IP);
    expect(await cards(ids[SIGNUPS_PER_IP]!)).toBe(-1);
    expect((await signUp(uniqueId("ipsu"), undefined, uniqueIp())).status).toBe(201);
  });

  it("sign-up: 5 attempts a minute per user, the 6th refused before it is read", {
    timeout: 20_000,
  }, async () => {
    await freshWindow(60);
    const id = uniqueId("usu");
    const statuses = [];
    for (let i = 0; i < PER_USER; i++) statuses.push((await signUp(id)).status);
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    expect(await signUp(id)).toEqual({
      status: 429,
      retryAfter: "60",
      body: RATE_LIMITED("sign-up attempts"),
    });
  });

  it("invite redemption: 5 a minute per user; the 6th is refused even with a good code and rewards nobody", {
    timeout: 20_000,
  }, async () => {
    await freshWindow(60);
    const inviter = uniqueId("rlinv");
    const guesser = uniqueId("rlguess");
    const code = (await signUp(inviter)).body.user.inviteCode;
    expect((await signUp(guesser)).status).toBe(201);
    // Guessing codes: five wrong ones, then the limit stops the sixth, right or not.
    for (let i = 0; i < PER_USER; i++) expect((await redeem(guesser, `ZZZZZZZ${i}`)).status).toBe(404);
    expect(await redeem(guesser, code)).toEqual({
      status: 429,
      retryAfter: "60",
      body: RATE_LIMITED("invite redemptions"),
    });
    expect(await redemptionsOf(inviter)).toBe(0);
    expect(await cards(inviter)).toBe(0);
  });

  it("withdrawal requests: 20 a minute per user; the 21st creates no withdrawal and moves no money", {
    timeout: 20_000,
  }, async () => {
    await freshWindow(60);
    const u = uniqueId("rlwd");
    const activity = await createActivity({ questions: questions(1), prizePoolCents: 10_000 });
    await deliver([
      {
        key: `prize:${activity.id}:${u}`,
        kind: "prize",
        activityId: activity.id,
        userId: u,
        amountCents: 10_000,
      },
    ]);
    const ask = (i: number) =>
      post("/api/me/withdrawals", u, { amountCents: 100 }, { headers: { "Idempotency-Key": `rl-${i}` } });
    for (let i = 0; i < WITHDRAWALS_PER_USER; i++) expect((await ask(i)).status).toBe(201);
    expect(await ask(WITHDRAWALS_PER_USER)).toEqual({
      status: 429,
      retryAfter: "60",
      body: RATE_LIMITED("withdrawal requests"),
    });
    expect(await count("SELECT COUNT(*) AS n FROM withdrawals WHERE user_id = ?", u)).toBe(
      WITHDRAWALS_PER_USER,
    );
    expect(await balance(userAccount(u))).toBe(10_000 - WITHDRAWALS_PER_USER * 100);
  });
});

describe("invite farming", () => {
  it("30 fresh tokens signing up with one code from one address at once: 20 get in, the inviter earns 10 cards", {
    timeout: 20_000,
  }, async () => {
    await freshWindow(60);
    const inviter = uniqueId("farmer");
    const code = (await signUp(inviter)).body.user.inviteCode;
    const ip = uniqueIp();
    const ids = Array.from({ length: 30 }, () => uniqueId("sock"));
    const replies = await Promise.all(ids.map((id) => signUp(id, code, ip)));
    const ok = replies.filter((r) => r.status === 201);
    const limited = replies.filter((r) => r.status === 429);
    expect([ok.length, limited.length]).toEqual([SIGNUPS_PER_IP, 30 - SIGNUPS_PER_IP]);
    for (const r of limited)
      expect(r).toEqual({ status: 429, retryAfter: "60", body: RATE_LIMITED("sign-ups from this address") });
    expect(ok.filter((r) => r.body.inviterRewarded === true)).toHaveLength(CAP);
    expect(ok.filter((r) => r.body.inviterRewarded === false)).toHaveLength(SIGNUPS_PER_IP - CAP);
    expect(ok.every((r) => r.body.invitedBy === inviter)).toBe(true);
    expect(await cards(inviter)).toBe(CAP);
    expect(await usersAmong(ids)).toBe(SIGNUPS_PER_IP);
    expect(await redemptionsOf(inviter)).toBe(SIGNUPS_PER_IP);
  });

  it("from 30 addresses: all 30 join, yet the inviter earns exactly the cap", {
    timeout: 20_000,
  }, async () => {
    const inviter = uniqueId("popular");
    const code = (await signUp(inviter)).body.user.inviteCode;
    const replies = await Promise.all(
      Array.from({ length: 30 }, () => signUp(uniqueId("fan"), code, uniqueIp())),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(30).fill(201));
    expect(replies.filter((r) => r.body.inviterRewarded === true)).toHaveLength(CAP);
    expect(await cards(inviter)).toBe(CAP);
    const mine = await call<{ invitees: number }>("GET", "/api/me/invite", {
      token: await tokenFor("viewer", { sub: inviter }),
    });
    expect(mine.body.invitees).toBe(30);
  });

  it("a redemption past the cap still records the inviter, who earns nothing", {
    timeout: 20_000,
  }, async () => {
    const inviter = uniqueId("capped");
    const code = (await signUp(inviter)).body.user.inviteCode;
    for (let i = 0; i < CAP; i++)
      expect((await signUp(uniqueId("early"), code, uniqueIp())).status).toBe(201);
    const late = uniqueId("late");
    expect((await signUp(late)).status).toBe(201);
    expect(await redeem(late, code)).toEqual({
      status: 200,
      retryAfter: null,
      body: { inviterId: inviter, inviterRewarded: false },
    });
    expect(await cards(inviter)).toBe(CAP);
    expect(await redemptionsOf(inviter)).toBe(CAP + 1);
  });

  it("refuses circular invites (2 and 3 players) with 409 INVITE_CIRCULAR, writing nothing", async () => {
    const a = uniqueId("ca");
    const b = uniqueId("cb");
    const c = uniqueId("cc");
    const codeA = (await signUp(a)).body.user.inviteCode;
    const codeB = (await signUp(b, codeA)).body.user.inviteCode;
    const codeC = (await signUp(c, codeB)).body.user.inviteCode;
    const circular = {
      status: 409,
      retryAfter: null,
      body: { error: { code: "INVITE_CIRCULAR", message: CIRCULAR_MESSAGE } },
    };
    // B joined with A's code: A may not redeem B's (A→B→A), nor C's, whom B invited (A→B→C→A).
    expect(await redeem(a, codeB)).toEqual(circular);
    expect(await redeem(a, codeC)).toEqual(circular);
    expect(await count("SELECT COUNT(*) AS n FROM invite_redemptions WHERE invitee_id = ?", a)).toBe(0);
    expect([await cards(a), await cards(b), await cards(c)]).toEqual([1, 1, 0]);

    // Two players who joined alone: once D redeemed E's code, E may not redeem D's.
    const d = uniqueId("cd");
    const e = uniqueId("ce");
    const codeD = (await signUp(d)).body.user.inviteCode;
    const codeE = (await signUp(e)).body.user.inviteCode;
    expect((await redeem(d, codeE)).status).toBe(200);
    expect(await redeem(e, codeD)).toEqual(circular);
    expect([await cards(d), await cards(e)]).toEqual([0, 1]);
  });

  it("two players redeeming each other's codes at the same moment: one is rewarded, the other is circular", async () => {
    const f = uniqueId("cf");
    const g = uniqueId("cg");
    const codeF = (await signUp(f)).body.user.inviteCode;
    const codeG = (await signUp(g)).body.user.inviteCode;
    const [rf, rg] = await Promise.all([redeem(f, codeG), redeem(g, codeF)]);
    expect([rf.status, rg.status].sort()).toEqual([200, 409]);
    expect([rf, rg].find((r) => r.status === 409)!.body.error!.code).toBe("INVITE_CIRCULAR");
    expect((await cards(f)) + (await cards(g))).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM invite_redemptions WHERE invitee_id IN (?, ?)", f, g)).toBe(
      1,
    );
  });
});

describe("host tokens operate only the activities they host", () => {
  async function activityHostedBy(hostId: string | null): Promise<string> {
    const id = uniqueId("scoped");
    const admin = await tokenFor("admin");
    expect(
      (await call("POST", "/api/admin/activities", { token: admin, body: activityBody(id) })).status,
    ).toBe(201);
    if (hostId !== null) {
      const put = await call("PUT", `/api/admin/activities/${id}/host`, { token: admin, body: { hostId } });
      expect(put.status).toBe(200);
    }
    return id;
  }
  const status = async (id: string) =>
    (
      await call<{ activity: ActivityDetail }>("GET", `/api/admin/activities/${id}`, {
        token: await tokenFor("admin"),
      })
    ).body.activity.status;

  /** Every room route, in an order the room accepts (ending after the last reveal), with its body and the status its operator gets. */
  const steps = (victim: string): [string, string, unknown, number][] => [
    ["POST", "/open", undefined, 200],
    ["POST", "/questions/0/push", { streamTsMs: 0 }, 200],
    ["POST", "/questions/0/reveal", {}, 200],
    ["POST", "/questions/1/push", undefined, 200],
    ["POST", "/questions/1/reveal", undefined, 200],
    ["GET", "/stats", undefined, 200],
    ["POST", "/mutes", { userId: victim, durationMs: 60_000 }, 200],
    // Past the scope the room answers: this danmaku does not exist.
    ["POST", "/danmaku/999/delete", undefined, 404],
    ["POST", "/rains/0/start", { streamTsMs: 0 }, 200],
    ["POST", "/end", undefined, 200],
  ];

  it("another host's token: 403 FORBIDDEN on every room route, and the room is never reached", async () => {
    const hostA = uniqueId("host-a");
    const id = await activityHostedBy(hostA);
    const hostB = await tokenFor("host", { sub: uniqueId("host-b") });
    for (const [method, path, body] of steps(hostA)) {
      const res = await call(method, `/api/rooms/${id}${path}`, { token: hostB, body });
      expect([path, res]).toEqual([
        path,
        {
          status: 403,
          body: {
            error: { code: "FORBIDDEN", message: `only the host of activity ${id} or an admin may do this` },
          },
        },
      ]);
    }
    // None of it reached the room: never opened, so nothing else could have happened in it either.
    expect(await status(id)).toBe("scheduled");
    const stats = await call<{ stats: { phase: string } }>("GET", `/api/rooms/${id}/stats`, {
      token: await tokenFor("host", { sub: hostA }),
    });
    expect([stats.status, stats.body.stats.phase]).toEqual([200, "created"]);
  });

  it("the activity's own host runs it end to end; an admin runs any; a host of nothing runs none", async () => {
    const hostA = uniqueId("host-a");
    const hosted = await activityHostedBy(hostA);
    const tokenA = await tokenFor("host", { sub: hostA });
    for (const [method, path, body, expected] of steps(uniqueId("v"))) {
      const res = await call(method, `/api/rooms/${hosted}${path}`, { token: tokenA, body });
      expect([path, res.status]).toEqual([path, expected]);
    }
    expect(await status(hosted)).toBe("ended");

    const unhosted = await activityHostedBy(null);
    const nobody = await call("POST", `/api/rooms/${unhosted}/open`, {
      token: await tokenFor("host", { sub: uniqueId("host-z") }),
    });
    expect(nobody.status).toBe(403);
    const admin = await tokenFor("admin", { sub: uniqueId("admin") });
    for (const [method, path, body, expected] of steps(uniqueId("v"))) {
      const res = await call(method, `/api/rooms/${unhosted}${path}`, { token: admin, body });
      expect([path, res.status]).toEqual([path, expected]);
    }
  });

  it("mayOperate: an admin any activity, a host its own, a viewer none", async () => {
    const hostA = uniqueId("host-a");
    const id = await activityHostedBy(hostA);
    const exp = Math.floor(Date.now() / 1000) + 60;
    expect(await mayOperate(env.DB, { sub: "anyone", role: "admin", exp }, id)).toBe(true);
    expect(await mayOperate(env.DB, { sub: hostA, role: "host", exp }, id)).toBe(true);
    expect(await mayOperate(env.DB, { sub: "other", role: "host", exp }, id)).toBe(false);
    expect(await mayOperate(env.DB, { sub: hostA, role: "viewer", exp }, id)).toBe(false);
  });

  it("the room's upgrade carries the token's user, role and expiry, and never the client's own X-Liveroom-*", async () => {
    const hostA = uniqueId("host-a");
    const id = await activityHostedBy(hostA);
    // The Worker's upgrade route over a stand-in room that records what it was handed.
    const seen: Headers[] = [];
    const room = {
      fetch: async (req: Request) => {
        seen.push(req.headers);
        return new Response(null, { status: 204 });
      },
    };
    const ns = { idFromName: (name: string) => name, get: () => room };
    const app = new Hono<AppEnv>();
    route(app, "get", "/rooms/:id/ws", { role: "socket", param: RoomParams }, roomWs);
    const upgrade = async (token: string | null) => {
      const q = token === null ? "" : `?token=${token}`;
      const req = new Request(`http://liveroom.test/rooms/${id}/ws${q}`, {
        headers: { Upgrade: "websocket", "X-Liveroom-Exp": "9999999999", "X-Liveroom-User": "forged" },
      });
      expect((await app.fetch(req, { ...env, LIVE_ROOM: ns })).status).toBe(204);
      const h = seen.at(-1)!;
      return [h.get("X-Liveroom-User"), h.get("X-Liveroom-Role"), h.get("X-Liveroom-Exp")];
    };
    const exp = (t: string) =>
      String(JSON.parse(atob(t.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).exp);
    const host = await tokenFor("host", { sub: hostA });
    expect(await upgrade(host)).toEqual([hostA, "host", exp(host)]);
    const viewer = await tokenFor("viewer", { sub: "v" });
    expect(await upgrade(viewer)).toEqual(["v", "viewer", exp(viewer)]);
    // Without a token (an auth frame follows) nothing is claimed, and the client's own headers never pass.
    expect(await upgrade(null)).toEqual([null, null, null]);
  });
});

describe("security headers on every API response", () => {
  const EXPECTED = {
    "content-security-policy":
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  };
  const headersOf = (res: Response) =>
    Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, res.headers.get(name)]));

  it("on a success, an error, an unknown route and a refused upgrade", async () => {
    const fetch = (path: string, init?: RequestInit) =>
      exports.default.fetch(`http://liveroom.test${path}`, init);
    const ok = await fetch("/healthz");
    expect([ok.status, headersOf(ok)]).toEqual([200, EXPECTED]);
    const unauthorized = await fetch("/api/me/balance");
    expect([unauthorized.status, headersOf(unauthorized)]).toEqual([401, EXPECTED]);
    const missing = await fetch("/api/nothing-here");
    expect([missing.status, headersOf(missing)]).toEqual([404, EXPECTED]);
    const notUpgrade = await fetch(`/rooms/${uniqueId("r")}/ws`);
    expect([notUpgrade.status, headersOf(notUpgrade)]).toEqual([426, EXPECTED]);
    // The room's own refusal, whose headers come back immutable from the Durable Object.
    const unknownRoom = await fetch(`/rooms/${uniqueId("r")}/ws`, { headers: { Upgrade: "websocket" } });
    expect([unknownRoom.status, headersOf(unknownRoom)]).toEqual([404, EXPECTED]);
  });
});
