// HTTP tests of the social side: gift catalog, coins, invites, the activity home and replays.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { setActivityStatus } from "../../schema/queries/activities";
import { writeReplay } from "../../schema/queries/replay";
import { chunkTimeline } from "../../durable-objects/features/replay/timeline";
import type { TimelineEvent } from "../../schema/replay";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";

const admin = () => tokenFor("admin");
const viewer = (sub: string) => tokenFor("viewer", { sub });

interface ErrorReply {
  error: { code: string; message: string; field?: string };
}

async function signUp(sub: string, inviteCode?: string) {
  return call<
    {
      user: { id: string; inviteCode: string; revivalCards: number };
      invitedBy: string | null;
      inviterRewarded: boolean | null;
    } & ErrorReply
  >("POST", "/api/signup", {
    token: await viewer(sub),
    body: inviteCode === undefined ? { name: sub } : { name: sub, inviteCode },
  });
}

async function cards(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT revival_cards FROM users WHERE id = ?")
    .bind(userId)
    .first<{ revival_cards: number }>();
  return row?.revival_cards ?? -1;
}

describe("gift catalog", () => {
  it("admins create and update gifts; viewers list the enabled ones", async () => {
    const token = await admin();
    const rose = await call<{ gift: Record<string, unknown> }>("POST", "/api/admin/gifts", {
      token,
      body: { id: "rose-h", name: "Rose", priceCoins: 10 },
    });
    expect(rose.status).toBe(200);
    expect(rose.body.gift).toMatchObject({ id: "rose-h", name: "Rose", priceCoins: 10, enabled: true });
    await call("POST", "/api/admin/gifts", {
      token,
      body: { id: "old-h", name: "Old", priceCoins: 1, enabled: false },
    });
    const updated = await call<{ gift: Record<string, unknown> }>("POST", "/api/admin/gifts", {
      token,
      body: { id: "rose-h", name: "Red rose", priceCoins: 12 },
    });
    expect(updated.body.gift).toMatchObject({ id: "rose-h", name: "Red rose", priceCoins: 12 });

    const all = await call<{ gifts: { id: string }[] }>("GET", "/api/admin/gifts", { token });
    expect(all.body.gifts.map((g) => g.id)).toEqual(expect.arrayContaining(["rose-h", "old-h"]));
    const pub = await call<{ gifts: { id: string; name: string; priceCoins: number }[] }>(
      "GET",
      "/api/gifts",
    );
    expect(pub.status).toBe(200);
    expect(pub.body.gifts).toContainEqual({ id: "rose-h", name: "Red rose", priceCoins: 12 });
    expect(pub.body.gifts.map((g) => g.id)).not.toContain("old-h");
  });

  it("validates gifts and needs an admin", async () => {
    const token = await admin();
    for (const [body, field] of [
      [{ id: "Bad Id", name: "x", priceCoins: 1 }, "id"],
      [{ id: "zero", name: "x", priceCoins: 0 }, "priceCoins"],
      [{ id: "neg", name: "x", priceCoins: -5 }, "priceCoins"],
      [{ id: "frac", name: "x", priceCoins: 1.5 }, "priceCoins"],
      [{ id: "blank", name: "  ", priceCoins: 1 }, "name"],
    ] as const) {
      const r = await call<ErrorReply>("POST", "/api/admin/gifts", { token, body });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
    }
    const r = await call<ErrorReply>("POST", "/api/admin/gifts", {
      token: await viewer("v"),
      body: { id: "x", name: "x", priceCoins: 1 },
    });
    expect(r.status).toBe(403);
  });
});

describe("coins", () => {
  it("an admin grant tops up once per key; the player reads the balance", async () => {
    const user = uniqueId("coins");
    const token = await admin();
    const first = await call("POST", "/api/admin/coins", {
      token,
      body: { userId: user, coins: 500, key: "buy-1" },
    });
    expect(first.body).toEqual({ userId: user, coins: 500, balanceCoins: 500, replayed: false });
    const again = await call("POST", "/api/admin/coins", {
      token,
      body: { userId: user, coins: 500, key: "buy-1" },
    });
    expect(again.body).toEqual({ userId: user, coins: 500, balanceCoins: 500, replayed: true });
    const other = await call<ErrorReply>("POST", "/api/admin/coins", {
      token,
      body: { userId: user, coins: 7, key: "buy-1" },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("KEY_REUSED");
    const me = await call("GET", "/api/me/coins", { token: await viewer(user) });
    expect(me.body).toEqual({ userId: user, balanceCoins: 500 });
  });

  it("refuses zero and negative grants", async () => {
    for (const coins of [0, -1]) {
      const r = await call<ErrorReply>("POST", "/api/admin/coins", {
        token: await admin(),
        body: { userId: "u", coins, key: "k" },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe("coins");
    }
  });
});

describe("invites", () => {
  it("a new player signing up with a code earns the inviter one revival card", async () => {
    const alice = uniqueId("alice");
    const bob = uniqueId("bob");
    const a = await signUp(alice);
    expect(a.status).toBe(201);
    expect(a.body.user.inviteCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(a.body.invitedBy).toBeNull();
    expect(a.body.inviterRewarded).toBeNull();
    const mine = await call<{ code: string; invitees: number; link: string }>("GET", "/api/me/invite", {
      token: await viewer(alice),
    });
    expect(mine.body).toEqual({
      code: a.body.user.inviteCode,
      invitees: 0,
      link: `http://liveroom.test/?invite=${a.body.user.inviteCode}`,
    });
    // Typed the way people type it: lower case, with a hyphen.
    const typed = `${a.body.user.inviteCode.slice(0, 4)}-${a.body.user.inviteCode.slice(4)}`.toLowerCase();
    const b = await signUp(bob, typed);
    expect(b.status).toBe(201);
    expect(b.body.invitedBy).toBe(alice);
    expect(b.body.inviterRewarded).toBe(true);
    expect(await cards(alice)).toBe(1);
    expect(await cards(bob)).toBe(0);
    const after = await call<{ invitees: number }>("GET", "/api/me/invite", { token: await viewer(alice) });
    expect(after.body.invitees).toBe(1);
  });

  it("unknown codes are refused and nothing is written", async () => {
    const carol = uniqueId("carol");
    for (const code of ["ZZZZZZZZ", "not-a-code!"]) {
      const r = await signUp(carol, code);
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: "INVITE_CODE_UNKNOWN", field: "inviteCode" });
    }
    expect(await cards(carol)).toBe(-1);
    const redeem = await call<ErrorReply>("POST", "/api/me/invite/redeem", {
      token: await viewer(carol),
      body: { code: "ZZZZZZZZ" },
    });
    expect(redeem.status).toBe(404);
  });

  it("a player cannot redeem their own code", async () => {
    const dave = uniqueId("dave");
    const d = await signUp(dave);
    const r = await call<ErrorReply>("POST", "/api/me/invite/redeem", {
      token: await viewer(dave),
      body: { code: d.body.user.inviteCode },
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "INVITE_SELF", field: "code" });
    expect(await cards(dave)).toBe(0);
  });

  it("one reward per new player: a second redemption and a second sign-up reward nobody", async () => {
    const inviter1 = uniqueId("inv1");
    const inviter2 = uniqueId("inv2");
    const newbie = uniqueId("newbie");
    const c1 = (await signUp(inviter1)).body.user.inviteCode;
    const c2 = (await signUp(inviter2)).body.user.inviteCode;
    expect((await signUp(newbie)).status).toBe(201);
    const first = await call("POST", "/api/me/invite/redeem", {
      token: await viewer(newbie),
      body: { code: c1 },
    });
    expect(first).toEqual({ status: 200, body: { inviterId: inviter1, inviterRewarded: true } });
    for (const code of [c1, c2]) {
      const again = await call<ErrorReply>("POST", "/api/me/invite/redeem", {
        token: await viewer(newbie),
        body: { code },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("INVITE_ALREADY_REDEEMED");
    }
    const resign = await signUp(newbie, c2);
    expect(resign.status).toBe(409);
    expect(resign.body.error.code).toBe("ALREADY_SIGNED_UP");
    expect(await cards(inviter1)).toBe(1);
    expect(await cards(inviter2)).toBe(0);
  });

  it("concurrent redemptions by the same player reward once", async () => {
    const inviters = [uniqueId("ci"), uniqueId("ci"), uniqueId("ci")];
    const codes = [];
    for (const i of inviters) codes.push((await signUp(i)).body.user.inviteCode);
    const p = uniqueId("racer");
    await signUp(p);
    const token = await viewer(p);
    const replies = await Promise.all(
      codes.map((code) => call("POST", "/api/me/invite/redeem", { token, body: { code } })),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    const total = (await Promise.all(inviters.map(cards))).reduce((a, b) => a + b, 0);
    expect(total).toBe(1);
  });

  it("a player who signed up more than 7 days ago is not new", async () => {
    const old = uniqueId("old");
    const inviter = uniqueId("inviter");
    const code = (await signUp(inviter)).body.user.inviteCode;
    await env.DB.prepare("INSERT INTO users (id, name, revival_cards, created_at) VALUES (?, ?, 0, ?)")
      .bind(old, old, Date.now() - 8 * 24 * 3600_000)
      .run();
    const r = await call<ErrorReply>("POST", "/api/me/invite/redeem", {
      token: await viewer(old),
      body: { code },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("INVITE_NOT_NEW");
    expect(await cards(inviter)).toBe(0);
  });

  it("a token without an account has no code yet", async () => {
    const r = await call<ErrorReply>("GET", "/api/me/invite", { token: await viewer(uniqueId("ghost")) });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("NOT_SIGNED_UP");
  });
});

interface HomeItem {
  id: string;
  status: string;
  startAtMs: number;
  prizePoolCents: number;
  rainCount: number;
  rainTotalCents: number;
  rainPackets: number;
  streamUrl: string;
  shareUrl: string;
}

describe("activity home", () => {
  it("lists upcoming, live and ended activities with their totals and share links", async () => {
    const token = await admin();
    const now = Date.now();
    const soon = uniqueId("soon");
    const live = uniqueId("live");
    const done = uniqueId("done");
    const stale = uniqueId("stale");
    for (const [id, startAt] of [
      [soon, now + 3600_000],
      [live, now - 60_000],
      [done, now - 7200_000],
      [stale, now - 7 * 3600_000],
    ] as const) {
      const r = await call("POST", "/api/admin/activities", {
        token,
        body: {
          ...activityBody(id),
          startAt,
          streamUrl: "https://video.example/x.m3u8",
          rains: [
            { totalCents: 5000, count: 100 },
            { totalCents: 300, count: 3 },
          ],
        },
      });
      expect(r.status).toBe(201);
    }
    await setActivityStatus(env.DB, live, "live");
    await setActivityStatus(env.DB, done, "ended");
    const home = await call<{ upcoming: HomeItem[]; live: HomeItem[]; ended: HomeItem[] }>(
      "GET",
      "/api/activities?limit=50",
    );
    expect(home.status).toBe(200);
    const ids = (xs: HomeItem[]) => xs.map((x) => x.id);
    expect(ids(home.body.upcoming)).toContain(soon);
    expect(ids(home.body.live)).toContain(live);
    expect(ids(home.body.ended)).toContain(done);
    for (const s of [home.body.upcoming, home.body.live, home.body.ended])
      expect(ids(s)).not.toContain(stale);
    const item = home.body.upcoming.find((x) => x.id === soon)!;
    expect(item).toMatchObject({
      status: "scheduled",
      startAtMs: now + 3600_000,
      prizePoolCents: 100_000,
      rainCount: 2,
      rainTotalCents: 5300,
      rainPackets: 103,
      streamUrl: "https://video.example/x.m3u8",
      shareUrl: `http://liveroom.test/?room=${soon}`,
    });

    const detail = await call<{ activity: Record<string, unknown>; result: unknown }>(
      "GET",
      `/api/activities/${live}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.activity).toMatchObject({
      id: live,
      section: "live",
      questionCount: 2,
      replayReady: false,
    });
    expect(detail.body.result).toBeNull();
    expect((await call<ErrorReply>("GET", "/api/activities/nope-nope")).body.error.code).toBe(
      "ACTIVITY_NOT_FOUND",
    );
    expect((await call<ErrorReply>("GET", "/api/activities?limit=0")).status).toBe(400);
  });

  it("an ended activity shows its winners from the ledger, pending until every share is settled", async () => {
    const id = uniqueId("won");
    await call("POST", "/api/admin/activities", { token: await admin(), body: activityBody(id) });
    await setActivityStatus(env.DB, id, "ended");
    const events: TimelineEvent[] = [
      { kind: "game_over", streamTsMs: 9000, atMs: 1, winners: 2, prizePoolCents: 100_000 },
    ];
    await writeReplay(env.DB, id, chunkTimeline(events, 500, 200_000), Date.now());
    const post = (user: string, cents: number) =>
      env.DB.prepare(
        "INSERT INTO ledger_transfers (key, from_account, to_account, amount_cents, kind, activity_id, user_id, created_at) VALUES (?, ?, ?, ?, 'prize', ?, ?, ?)",
      )
        .bind(`prize:${id}:${user}`, `prize_pool:${id}`, `user:${user}`, cents, id, user, Date.now())
        .run();
    // The pool is funded first, as settlement does.
    await env.DB.prepare(
      "INSERT INTO ledger_transfers (key, from_account, to_account, amount_cents, kind, activity_id, user_id, created_at) VALUES (?, 'issuance', ?, 100000, 'fund_prize_pool', ?, NULL, ?)",
    )
      .bind(`fund:${id}`, `prize_pool:${id}`, id, Date.now())
      .run();
    await post("w-a", 50_000);
    let d = await call<{ result: { winners: unknown[]; announcedWinners: number; winnersPending: boolean } }>(
      "GET",
      `/api/activities/${id}`,
    );
    expect(d.body.result).toEqual({
      winners: [{ userId: "w-a", name: null, prizeCents: 50_000 }],
      announcedWinners: 2,
      winnersPending: true,
    });
    await post("w-b", 50_000);
    d = await call("GET", `/api/activities/${id}`);
    expect(d.body.result.winnersPending).toBe(false);
    expect(d.body.result.winners).toHaveLength(2);
  });
});

describe("replay route", () => {
  it("serves the archived timeline by chunk", async () => {
    const id = uniqueId("rp");
    await call("POST", "/api/admin/activities", { token: await admin(), body: activityBody(id) });
    const notReady = await call<ErrorReply>("GET", `/api/activities/${id}/replay`);
    expect(notReady.status).toBe(404);
    expect(notReady.body.error.code).toBe("REPLAY_NOT_READY");
    const events: TimelineEvent[] = Array.from({ length: 7 }, (_, i) => ({
      kind: "danmaku" as const,
      streamTsMs: i * 1000,
      atMs: i,
      tick: i + 1,
      items: [{ id: i + 1, userId: "u", text: `t${i}`, streamTsMs: i * 1000 - 10 }],
    }));
    await writeReplay(env.DB, id, chunkTimeline(events, 3, 200_000), 42);
    const r = await call<{
      replay: Record<string, unknown>;
      chunk: { idx: number; events: TimelineEvent[] };
    }>("GET", `/api/activities/${id}/replay?chunk=1`);
    expect(r.status).toBe(200);
    expect(r.body.replay).toEqual({
      activityId: id,
      eventCount: 7,
      chunkCount: 3,
      durationMs: 6000,
      archivedAtMs: 42,
      chunks: [
        { idx: 0, fromTsMs: 0, toTsMs: 2000, eventCount: 3 },
        { idx: 1, fromTsMs: 3000, toTsMs: 5000, eventCount: 3 },
        { idx: 2, fromTsMs: 6000, toTsMs: 6000, eventCount: 1 },
      ],
    });
    expect(r.body.chunk.events).toEqual(events.slice(3, 6));
    const past = await call<ErrorReply>("GET", `/api/activities/${id}/replay?chunk=3`);
    expect(past.body.error).toMatchObject({ code: "CHUNK_NOT_FOUND", field: "chunk" });
    expect((await call<ErrorReply>("GET", `/api/activities/${id}/replay?chunk=-1`)).status).toBe(400);
    expect((await call<ErrorReply>("GET", "/api/activities/none-such/replay")).body.error.code).toBe(
      "ACTIVITY_NOT_FOUND",
    );
  });
});

describe("danmaku word list", () => {
  it("is replaced as a whole by an admin", async () => {
    const token = await admin();
    const put = await call("PUT", "/api/admin/danmaku/words", {
      token,
      body: { words: ["spam", " scam ", "spam"] },
    });
    expect(put.body).toEqual({ words: ["scam", "spam"] });
    expect((await call("GET", "/api/admin/danmaku/words", { token })).body).toEqual({
      words: ["scam", "spam"],
    });
    const bad = await call<ErrorReply>("PUT", "/api/admin/danmaku/words", { token, body: { words: [""] } });
    expect(bad.body.error.field).toBe("words.0");
  });
});
