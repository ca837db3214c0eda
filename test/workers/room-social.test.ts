// The room's danmaku, likes, gifts and moderation through real sockets in workerd.
import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { liveroom } from "../../schema/proto";
import { coinBalance, grantCoins } from "../../schema/queries/coins";
import { replaceDanmakuWords } from "../../schema/queries/danmaku-words";
import { setActivityHost, upsertGift } from "../../schema/queries/gifts";
import { advanceClock, createActivity, RawClient, roomStub, token, uniqueId } from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;
const QUESTIONS = [{ text: "q0", options: ["a", "b"], correct: 0 }];

async function room() {
  return createActivity({ questions: QUESTIONS });
}

function say(client: RawClient, text: string, streamTsMs = 0) {
  return client.request(T.DANMAKU, { danmaku: { text, streamTsMs } });
}

/** Every danmaku a client was shown, in order. */
function seen(client: RawClient): liveroom.IDanmakuItem[] {
  return client.frames
    .filter((f) => f.type === T.DANMAKU_TICK)
    .flatMap((f) => f.notification!.danmakuTick!.items ?? []);
}

function ticks(client: RawClient): liveroom.IDanmakuTick[] {
  return client.frames.filter((f) => f.type === T.DANMAKU_TICK).map((f) => f.notification!.danmakuTick!);
}

async function stats(activityId: string) {
  const r = await roomStub(activityId).control(activityId, { kind: "stats" });
  if (!r.ok) throw new Error(r.message);
  return r.stats;
}

/** Waits until the room has closed every tick: nothing pending. */
async function settled(activityId: string) {
  await vi.waitUntil(
    async () => {
      const s = await stats(activityId);
      return s.danmakuIn === s.danmakuShown + s.danmakuDropped + s.danmakuBlocked;
    },
    { timeout: 5_000, interval: 50 },
  );
  return stats(activityId);
}

describe("danmaku: bad input", () => {
  it("empty, oversize, control-character and blocked danmaku get their codes; nobody else sees them", async () => {
    await replaceDanmakuWords(env.DB, ["spam"], Date.now());
    const a = await room();
    const p = uniqueId("bad");
    const sender = await RawClient.join(a.id, `${p}-s`);
    const other = await RawClient.join(a.id, `${p}-o`);
    const cases: [string, number][] = [
      ["", C.DANMAKU_EMPTY],
      ["   ", C.DANMAKU_EMPTY],
      ["x".repeat(61), C.DANMAKU_TOO_LONG],
      ["好".repeat(44), C.DANMAKU_TOO_LONG],
      ["line\nbreak", C.DANMAKU_BAD_CHARS],
      ["bell\u0007", C.DANMAKU_BAD_CHARS],
      ["rtl\u202Eevil", C.DANMAKU_BAD_CHARS],
    ];
    for (const [text, code] of cases) {
      const r = await say(sender, text);
      expect({ text, status: r.status, code: r.code }).toEqual({
        text,
        status: liveroom.Status.FAILED,
        code,
      });
    }
    // Blocked uses one of the sender's 3 tokens: send it, then one clean danmaku.
    const blocked = await say(sender, "buy S-P-4-M now");
    expect(blocked).toMatchObject({ status: liveroom.Status.FAILED, code: C.DANMAKU_BLOCKED });
    const fine = await say(sender, "  hello   room ");
    expect(fine.status).toBe(OK);
    expect(fine.danmaku).toMatchObject({ id: 1, text: "hello room" });

    // The tick is due a tick (200 ms) later on the room's clock.
    await advanceClock(a.id, 200);
    await other.waitForNotification((n) => n.danmakuTick != null);
    // Every tick closed, and every frame the room sent before now received: nothing else was shown.
    const s = await settled(a.id);
    await Promise.all([other.flush(), sender.flush()]);
    expect(seen(other).map((d) => d.text)).toEqual(["hello room"]);
    expect(seen(sender).map((d) => d.text)).toEqual(["hello room"]);
    expect(s).toMatchObject({
      danmakuIn: 2,
      danmakuShown: 1,
      danmakuDropped: 0,
      danmakuBlocked: 1,
      danmakuRefused: 7,
    });
  });

  it("a flood from one player: 3 at once, the rest DANMAKU_RATE_LIMITED", async () => {
    const a = await room();
    const sender = await RawClient.join(a.id, uniqueId("flood"));
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => say(sender, `flood ${i}`)));
    expect(replies.map((r) => (r.status === OK ? "ok" : r.code))).toEqual([
      "ok",
      "ok",
      "ok",
      ...new Array(7).fill(C.DANMAKU_RATE_LIMITED),
    ]);
    expect(await settled(a.id)).toMatchObject({ danmakuIn: 3, danmakuShown: 3, danmakuRefused: 7 });
  });

  it("viewers cannot delete or mute; hosts delete shown danmaku and mute players", async () => {
    const a = await room();
    const p = uniqueId("mod");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    const v = await RawClient.join(a.id, `${p}-v`);
    const id = (await say(v, "rude words")).danmaku!.id!;
    await host.waitForNotification((n) => n.danmakuTick != null);
    expect((await v.request(T.DELETE_DANMAKU, { deleteDanmaku: { id } })).code).toBe(C.FORBIDDEN);
    expect((await v.request(T.MUTE, { mute: { userId: `${p}-host`, durationMs: 1000 } })).code).toBe(
      C.FORBIDDEN,
    );

    expect((await host.request(T.DELETE_DANMAKU, { deleteDanmaku: { id: 999 } })).code).toBe(
      C.DANMAKU_UNKNOWN,
    );
    expect((await host.request(T.DELETE_DANMAKU, { deleteDanmaku: { id } })).status).toBe(OK);
    expect((await host.request(T.DELETE_DANMAKU, { deleteDanmaku: { id } })).status).toBe(OK);
    const deleted = await v.waitForNotification((n) => n.danmakuDeleted != null);
    expect(deleted).toMatchObject({ roomSeq: 0, danmakuDeleted: { id } });
    expect(v.frames.filter((f) => f.type === T.DANMAKU_DELETED)).toHaveLength(1);

    expect((await host.request(T.MUTE, { mute: { userId: `${p}-v`, durationMs: 60_000 } })).status).toBe(OK);
    const muted = await say(v, "let me talk");
    expect(muted.code).toBe(C.MUTED);
    expect(muted.message).toBe("muted by the host for 60 s more");
    expect((await host.request(T.MUTE, { mute: { userId: `${p}-host`, durationMs: 1 } })).code).toBe(
      C.MUTE_BAD_REQUEST,
    );
    expect((await host.request(T.MUTE, { mute: { userId: `${p}-v`, durationMs: 0 } })).status).toBe(OK);
    expect((await say(v, "thanks")).status).toBe(OK);
    expect(await settled(a.id)).toMatchObject({
      danmakuIn: 2,
      danmakuShown: 2,
      danmakuDeleted: 1,
      danmakuRefused: 1,
    });
  });
});

describe("danmaku: a busy room", () => {
  it("more than 20/s in: at most 4 per 200 ms tick shown, the rest dropped and counted exactly", async () => {
    await replaceDanmakuWords(env.DB, ["spam"], Date.now());
    const a = await room();
    const p = uniqueId("busy");
    const observer = await RawClient.join(a.id, `${p}-obs`);
    const senders = await Promise.all(
      Array.from({ length: 30 }, (_, i) => RawClient.join(a.id, `${p}-${i}`)),
    );
    const started = Date.now();
    const replies = await Promise.all(
      senders.flatMap((s, i) =>
        [0, 1, 2].map((k) => say(s, k === 2 && i % 10 === 0 ? "spam!" : `hi ${i}.${k}`)),
      ),
    );
    const sendMs = Date.now() - started;
    expect(replies.filter((r) => r.status === OK)).toHaveLength(87);
    expect(replies.filter((r) => r.code === C.DANMAKU_BLOCKED)).toHaveLength(3);
    const s = await settled(a.id);
    const frames = ticks(observer);
    const shownTotal = frames.reduce((n, t) => n + (t.items?.length ?? 0), 0);
    expect(s.danmakuIn).toBe(90);
    expect(s.danmakuBlocked).toBe(3);
    expect(s.danmakuShown + s.danmakuDropped).toBe(87);
    expect(s.danmakuShown).toBe(shownTotal);
    expect(frames.reduce((n, t) => n + (t.dropped ?? 0), 0)).toBe(s.danmakuDropped);
    for (const t of frames) expect(t.items!.length).toBeLessThanOrEqual(4);
    // Every tick that saw at least 4 showed exactly 4.
    for (const t of frames) if ((t.dropped ?? 0) > 0) expect(t.items!.length).toBe(4);
    // Ticks are numbered, one frame each, and never more than 5 a second (20 danmaku).
    const numbers = frames.map((t) => t.tick!);
    expect(new Set(numbers).size).toBe(numbers.length);
    // What waits after the burst (the pool keeps a second's worth, 20) drains at 4 a tick.
    expect(s.danmakuShown).toBeLessThanOrEqual(4 * Math.ceil((sendMs + 1_400) / 200));
    console.log("busy room", {
      sendMs,
      ticks: frames.length,
      shown: s.danmakuShown,
      dropped: s.danmakuDropped,
    });
  });

  it("paced over 2 s: every second of ticks shows at most 20, every tick at most 8 (4 plus slots owed)", async () => {
    const a = await room();
    const p = uniqueId("paced");
    const host = await RawClient.join(a.id, `${p}-host`, "host");
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    const observer = await RawClient.join(a.id, `${p}-obs`);
    const senders = await Promise.all(
      Array.from({ length: 40 }, (_, i) => RawClient.join(a.id, `${p}-${i}`)),
    );
    let accepted = 0;
    for (let wave = 0; wave < 8; wave++) {
      const batch = senders.slice((wave % 4) * 10, (wave % 4) * 10 + 10);
      const replies = await Promise.all(batch.flatMap((s) => [say(s, `w${wave} a`), say(s, `w${wave} b`)]));
      accepted += replies.filter((r) => r.status === OK).length;
      await advanceClock(a.id, 250);
    }
    const s = await settled(a.id);
    expect(s.danmakuIn).toBe(accepted);
    const frames = ticks(observer);
    // A tick's stream timestamp is the room clock since the room opened (no host stamp here).
    for (const t of frames) {
      expect(t.items!.length).toBeLessThanOrEqual(8);
      const second = frames.filter(
        (x) => x.streamTsMs! >= t.streamTsMs! && x.streamTsMs! < t.streamTsMs! + 1000,
      );
      expect(second.reduce((n, x) => n + x.items!.length, 0)).toBeLessThanOrEqual(20);
    }
    for (let i = 1; i < frames.length; i++) {
      expect(frames[i]!.streamTsMs! - frames[i - 1]!.streamTsMs!).toBeGreaterThanOrEqual(200);
    }
    expect(s.danmakuShown).toBe(frames.reduce((n, t) => n + t.items!.length, 0));
    expect(s.danmakuShown + s.danmakuDropped).toBe(accepted);
    console.log("paced room", {
      accepted,
      ticks: frames.length,
      shown: s.danmakuShown,
      dropped: s.danmakuDropped,
    });
  });

  it("likes are broadcast as totals per tick, never one frame per like", async () => {
    const a = await room();
    const p = uniqueId("likes");
    const observer = await RawClient.join(a.id, `${p}-obs`);
    const fans = await Promise.all(Array.from({ length: 10 }, (_, i) => RawClient.join(a.id, `${p}-${i}`)));
    const replies = await Promise.all(
      fans.flatMap((f, i) => Array.from({ length: 10 }, () => f.request(T.LIKE, { like: { count: i + 1 } }))),
    );
    expect(replies.every((r) => r.status === OK)).toBe(true);
    const expected = 10 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10);
    await vi.waitUntil(
      () => observer.frames.some((f) => Number(f.notification?.likes?.total ?? 0) === expected),
      {
        timeout: 5_000,
      },
    );
    const likes = observer.frames.filter((f) => f.type === T.LIKES).map((f) => f.notification!.likes!);
    expect(likes.length).toBeLessThan(10);
    expect(likes.reduce((n, l) => n + (l.added ?? 0), 0)).toBe(expected);
    expect(
      likes.every(
        (l) => l && observer.frames.find((f) => f.notification?.likes === l)!.notification!.roomSeq === 0,
      ),
    ).toBe(true);
    expect((await stats(a.id)).likes).toBe(expected);
    const late = await RawClient.join(a.id, `${p}-late`);
    const welcome = (await late.request(T.AUTH, { auth: { token: await token(`${p}-late`) } })).welcome!;
    expect(Number(welcome.room!.likes)).toBe(expected);
    expect((await fans[0]!.request(T.LIKE, { like: { count: 101 } })).code).toBe(C.LIKE_BAD_COUNT);
  });
});

describe("danmaku: eviction between ticks", () => {
  it("loses no acknowledged danmaku", async () => {
    const a = await room();
    const p = uniqueId("evict");
    const observer = await RawClient.join(a.id, `${p}-obs`);
    const sender = await RawClient.join(a.id, `${p}-s`);
    const acks = [];
    for (const text of ["one", "two", "three"]) acks.push(await say(sender, text, 0));
    expect(acks.map((r) => r.danmaku!.id)).toEqual([1, 2, 3]);
    // Evicted before the tick (200 ms after the first) closed: memory is gone, storage and the alarm stay.
    await evictDurableObject(roomStub(a.id));
    await observer.waitForNotification((n) => n.danmakuTick != null);
    expect(seen(observer).map((d) => [d.id, d.text])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    expect(await settled(a.id)).toMatchObject({ danmakuIn: 3, danmakuShown: 3, danmakuDropped: 0 });
    // Ids go on after the eviction (a second later: the sender's bucket has a token again).
    await advanceClock(a.id, 1_000);
    expect((await say(sender, "four")).danmaku!.id).toBe(4);
  });
});

async function giftRoom() {
  const a = await room();
  const p = uniqueId("gift");
  const hostId = `${p}-host`;
  await upsertGift(env.DB, { id: "rose", name: "Rose", priceCoins: 10, enabled: true }, Date.now());
  await upsertGift(env.DB, { id: "yacht", name: "Yacht", priceCoins: 10_000, enabled: true }, Date.now());
  await upsertGift(env.DB, { id: "retired", name: "Retired", priceCoins: 1, enabled: false }, Date.now());
  await setActivityHost(env.DB, a.id, hostId, Date.now());
  const grant = async (userId: string, coins: number) => {
    const r = await grantCoins(env.DB, userId, coins, userId, Date.now());
    expect(r.status).toBe("posted");
  };
  return { a, p, hostId, grant };
}

function gift(client: RawClient, giftId: string, quantity: number, key: string) {
  return client.request(T.GIFT, { gift: { giftId, quantity, key } });
}

describe("gifts", () => {
  it("refuses unknown gifts, zero and negative quantities and a short balance; nothing is debited", async () => {
    const { a, p, grant } = await giftRoom();
    const fan = `${p}-fan`;
    await grant(fan, 100);
    const c = await RawClient.join(a.id, fan);
    expect((await gift(c, "unicorn", 1, "k1")).code).toBe(C.GIFT_UNKNOWN);
    expect((await gift(c, "retired", 1, "k2")).code).toBe(C.GIFT_UNKNOWN);
    expect((await gift(c, "rose", 0, "k3")).code).toBe(C.GIFT_BAD_QUANTITY);
    expect((await gift(c, "rose", -3, "k4")).code).toBe(C.GIFT_BAD_QUANTITY);
    expect((await gift(c, "rose", 1, "")).code).toBe(C.GIFT_BAD_KEY);
    const short = await gift(c, "rose", 11, "k5");
    expect(short).toMatchObject({ status: liveroom.Status.FAILED, code: C.INSUFFICIENT_COINS });
    expect((await gift(c, "yacht", 1, "k6")).code).toBe(C.INSUFFICIENT_COINS);
    expect(await coinBalance(env.DB, fan)).toBe(100);
    const broke = await RawClient.join(a.id, `${p}-broke`);
    expect((await gift(broke, "rose", 1, "k7")).code).toBe(C.INSUFFICIENT_COINS);
    expect(c.frames.filter((f) => f.type === T.GIFT_SHOWN)).toHaveLength(0);
    expect(await stats(a.id)).toMatchObject({ gifts: 0, giftCoins: 0 });
  });

  it("debits the sender and credits the host once per key, shows the gift once, ranks gifters", async () => {
    const { a, p, hostId, grant } = await giftRoom();
    const fan = `${p}-fan`;
    const fan2 = `${p}-fan2`;
    await grant(fan, 100);
    await grant(fan2, 1000);
    const c = await RawClient.join(a.id, fan);
    const c2 = await RawClient.join(a.id, fan2);
    const host = await RawClient.join(a.id, hostId, "host");

    const first = await gift(c, "rose", 3, "key-1");
    expect(first.status).toBe(OK);
    expect(first.gift).toMatchObject({
      giftId: "rose",
      quantity: 3,
      coins: 30,
      balanceCoins: 70,
      replayed: false,
    });
    // The same key again, even twice at once: no second debit.
    const again = await Promise.all([gift(c, "rose", 3, "key-1"), gift(c, "rose", 3, "key-1")]);
    for (const r of again) expect(r.gift).toMatchObject({ coins: 30, balanceCoins: 70, replayed: true });
    expect((await gift(c, "rose", 4, "key-1")).code).toBe(C.GIFT_KEY_REUSED);
    expect(await coinBalance(env.DB, fan)).toBe(70);
    expect(await coinBalance(env.DB, hostId)).toBe(30);

    const shown = await host.waitForNotification((n) => n.giftShown != null);
    expect(shown.roomSeq).toBeGreaterThan(0);
    expect(shown.giftShown).toMatchObject({
      userId: fan,
      giftId: "rose",
      giftName: "Rose",
      quantity: 3,
      coins: 30,
      senderTotalCoins: 30,
    });

    expect((await gift(c2, "rose", 50, "a")).status).toBe(OK);
    expect((await gift(c2, "rose", 1, "b")).gift).toMatchObject({ balanceCoins: 490 });
    await vi.waitUntil(() => host.frames.filter((f) => f.type === T.GIFT_SHOWN).length === 3, {
      timeout: 5_000,
    });
    expect(
      host.frames
        .filter((f) => f.type === T.GIFT_SHOWN)
        .map((f) => f.notification!.giftShown!.senderTotalCoins),
    ).toEqual([30, 500, 510]);
    const board = await c.request(T.GIFTERS, { gifters: {} });
    expect(board.gifters!.gifters!.map((g) => [g.rank, g.userId, Number(g.coins)])).toEqual([
      [1, fan2, 510],
      [2, fan, 30],
    ]);
    expect(await coinBalance(env.DB, hostId)).toBe(540);
    expect(await stats(a.id)).toMatchObject({ gifts: 54, giftCoins: 540 });
    // The host cannot gift themselves.
    expect((await gift(host, "rose", 1, "self")).code).toBe(C.GIFT_SELF);
  });

  it("a room without a host takes no gifts", async () => {
    const a = await room();
    await upsertGift(env.DB, { id: "rose", name: "Rose", priceCoins: 10, enabled: true }, Date.now());
    const c = await RawClient.join(a.id, uniqueId("nohost"));
    expect((await gift(c, "rose", 1, "k")).code).toBe(C.GIFT_NO_HOST);
  });
});

describe("moderation over HTTP", () => {
  it("hosts delete and mute through the API; viewers may not", async () => {
    const a = await room();
    const p = uniqueId("hmod");
    const v = await RawClient.join(a.id, `${p}-v`);
    const id = (await say(v, "spoiler")).danmaku!.id!;
    await v.waitForNotification((n) => n.danmakuTick != null);
    // A host token operates only the activity it hosts (docs/security.md).
    await setActivityHost(env.DB, a.id, `${p}-host`, Date.now());
    const host = await token(`${p}-host`, "host");
    const post = async (path: string, tok: string, body?: unknown) => {
      const res = await exports.default.fetch(`http://liveroom.test${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tok}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as { ok?: boolean; error?: { code: string; field?: string } },
      };
    };
    expect((await post(`/api/rooms/${a.id}/danmaku/${id}/delete`, await token(`${p}-v`))).status).toBe(403);
    expect(await post(`/api/rooms/${a.id}/danmaku/999/delete`, host)).toMatchObject({
      status: 404,
      body: { error: { code: "DANMAKU_UNKNOWN" } },
    });
    expect(await post(`/api/rooms/${a.id}/danmaku/${id}/delete`, host)).toEqual({
      status: 200,
      body: { ok: true },
    });
    await v.waitForNotification((n) => n.danmakuDeleted?.id === id);
    expect(await post(`/api/rooms/${a.id}/mutes`, host, { userId: `${p}-v`, durationMs: 30_000 })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await say(v, "again")).code).toBe(C.MUTED);
    expect(
      await post(`/api/rooms/${a.id}/mutes`, host, { userId: `${p}-host`, durationMs: 1 }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: "MUTE_BAD_REQUEST" } },
    });
    expect(await post(`/api/rooms/${a.id}/mutes`, host, { userId: `${p}-v`, durationMs: -1 })).toMatchObject({
      status: 400,
      body: { error: { code: "VALIDATION_FAILED", field: "durationMs" } },
    });
    // An admin reaches the room, which knows no such activity (a host would get 403 before it).
    const admin = await token(`${p}-admin`, "admin");
    expect(await post("/api/rooms/no-such-room/mutes", admin, { userId: "x", durationMs: 0 })).toMatchObject({
      status: 404,
      body: { error: { code: "ACTIVITY_NOT_FOUND" } },
    });
  });
});
