// Danmaku and likes in a room of four shards (DESIGN §8, docs/live-room.md): every shard decides its
// own players' danmaku and likes (limits, mutes, the word filter) and forwards batches; the
// coordinator samples, ticks and keeps the totals. The room's clocks are held, so every limit is
// exact and every tick comes when the test moves time.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { liveroom } from "../../schema/proto";
import { replaceDanmakuWords } from "../../schema/queries/danmaku-words";
import { shardOf } from "../../schema/shards";
import {
  advanceClock,
  createActivity,
  RawClient,
  roomStub,
  shardStubs,
  uniqueId,
  usersByShard,
} from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;
const SHARDS = 4;

function say(client: RawClient, text: string) {
  return client.request(T.DANMAKU, { danmaku: { text, streamTsMs: 0 } });
}

function ticks(client: RawClient): liveroom.IDanmakuTick[] {
  return client.frames.filter((f) => f.type === T.DANMAKU_TICK).map((f) => f.notification!.danmakuTick!);
}

function likes(client: RawClient): liveroom.ILikes[] {
  return client.frames.filter((f) => f.type === T.LIKES).map((f) => f.notification!.likes!);
}

const codeOf = (r: liveroom.Response) => (r.status === OK ? "OK" : (C[r.code ?? 0] ?? String(r.code)));

async function stats(activityId: string) {
  const r = await roomStub(activityId).control(activityId, { kind: "stats" });
  if (!r.ok) throw new Error(r.message);
  return r.stats;
}

describe("danmaku and likes across four shards", () => {
  it("limits, mutes and the filter on each player's shard; the coordinator's ticks and totals reach every shard", async () => {
    await replaceDanmakuWords(env.DB, ["spam"], Date.now());
    const a = await createActivity({
      questions: [{ text: "q", options: ["a", "b"], correct: 0 }],
      shards: SHARDS,
    });
    const p = uniqueId("sdm");
    const users = usersByShard(p, SHARDS, 3);
    const host = await RawClient.join(a.id, usersByShard(`${p}-host`, SHARDS, 1)[1]![0]!, "host");
    // Opened: the stream clock runs from here, so each tick's stamp is its due time on the room's clock.
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    const clients = new Map<string, RawClient>();
    for (const u of users.flat()) clients.set(u, await RawClient.join(a.id, u));
    // Every shard's time stands still: a bucket refills, a batch leaves and a tick closes only when the test says.
    for (const stub of await shardStubs(a.id)) await stub.holdClock(true);

    const muted = users[2]![1]!;
    expect((await host.request(T.MUTE, { mute: { userId: muted, durationMs: 60_000 } })).status).toBe(OK);

    // Each user sends 5 at once: the first user of each shard starts with a blocked one (it uses a token).
    const codes = new Map<string, string[]>();
    const ids: { user: string; id: number }[] = [];
    await Promise.all(
      users.flat().map(async (u) => {
        const first = users[shardOf(u, SHARDS)]![0] === u;
        const out: string[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await say(clients.get(u)!, first && i === 0 ? "buy S-P-4-M" : `${u} #${i}`);
          out.push(codeOf(r));
          if (r.status === OK) ids.push({ user: u, id: r.danmaku!.id! });
        }
        codes.set(u, out);
      }),
    );
    for (const [k, shardUsers] of users.entries()) {
      expect(shardUsers.map((u) => codes.get(u))).toEqual(
        shardUsers.map((u, i) =>
          u === muted
            ? new Array(5).fill("MUTED")
            : i === 0
              ? ["DANMAKU_BLOCKED", "OK", "OK", "DANMAKU_RATE_LIMITED", "DANMAKU_RATE_LIMITED"]
              : ["OK", "OK", "OK", "DANMAKU_RATE_LIMITED", "DANMAKU_RATE_LIMITED"],
        ),
      );
      expect(k).toBe(shardOf(shardUsers[0]!, SHARDS));
    }
    const muteAnswer = await say(clients.get(muted)!, "let me talk");
    expect(muteAnswer.message).toBe("muted by the host for 60 s more");
    // Ids are room-wide: each shard numbers its own, interleaved.
    expect(new Set(ids.map((x) => x.id)).size).toBe(ids.length);
    for (const { user, id } of ids) expect((id - 1) % SHARDS).toBe(shardOf(user, SHARDS));

    // Likes: 100 at once per player, then over the rate (the clock stands still).
    const likeCodes = await Promise.all(
      users.flat().map(async (u) => {
        const out: string[] = [];
        for (const count of [40, 40, 40])
          out.push(codeOf(await clients.get(u)!.request(T.LIKE, { like: { count } })));
        return out;
      }),
    );
    for (const c of likeCodes) expect(c).toEqual(["OK", "OK", "LIKE_RATE_LIMITED"]);
    const likesTotal = 80 * users.flat().length;

    // 29 accepted at once is over the room's show rate: ticks of 200 ms, at most 4 each.
    const accepted = ids.length;
    expect(accepted).toBe(SHARDS * 2 + (SHARDS * 2 - 1) * 3);
    // Time moves a tick at a time until every batch is in and every tick closed (each stats call is a
    // gather from every shard: the alarms the move made due run meanwhile).
    let s = await stats(a.id);
    for (let step = 0; step < 40; step++) {
      if (s.danmakuIn === s.danmakuShown + s.danmakuDropped + s.danmakuBlocked && s.likes === likesTotal)
        break;
      await advanceClock(a.id, 200);
      s = await stats(a.id);
    }
    expect(s).toMatchObject({
      danmakuIn: accepted + SHARDS,
      danmakuBlocked: SHARDS,
      danmakuRefused: 5 + 1 + 2 * (users.flat().length - 1),
      likes: likesTotal,
    });

    // Every socket, on every shard, got the same tick frames and likes frames.
    const all = [...clients.values(), host];
    await Promise.all(all.map((c) => c.flush()));
    const reference = ticks(host);
    const shown = reference.reduce((n, t) => n + t.items!.length, 0);
    expect(shown).toBe(s.danmakuShown);
    expect(reference.reduce((n, t) => n + (t.dropped ?? 0), 0)).toBe(s.danmakuDropped);
    for (const c of all) expect(ticks(c)).toEqual(reference);
    for (const c of all) {
      const l = likes(c);
      expect(Number(l[l.length - 1]!.total)).toBe(likesTotal);
      expect(l.reduce((n, x) => n + Number(x.added), 0)).toBe(likesTotal);
    }
    // At most 4 a tick, ticks stamped at least 200 ms apart: never more than 20 in a second.
    for (const [i, t] of reference.entries()) {
      expect(t.items!.length).toBeLessThanOrEqual(4);
      if (i > 0)
        expect(Number(t.streamTsMs) - Number(reference[i - 1]!.streamTsMs)).toBeGreaterThanOrEqual(200);
      const second = reference.filter(
        (x) =>
          Number(x.streamTsMs) >= Number(t.streamTsMs) && Number(x.streamTsMs) < Number(t.streamTsMs) + 1000,
      );
      expect(second.reduce((n, x) => n + x.items!.length, 0)).toBeLessThanOrEqual(20);
    }
    // Over the rate, every tick but the last showed its full 4.
    expect(reference.slice(0, -1).every((t) => t.items!.length === 4)).toBe(true);
    // Every shown danmaku is one that was acknowledged, with its sender.
    const acked = new Map(ids.map((x) => [x.id, x.user]));
    for (const t of reference) for (const d of t.items!) expect(acked.get(d.id!)).toBe(d.userId);

    // The mute lifted at the coordinator reaches the player's shard before the host's answer.
    expect((await host.request(T.MUTE, { mute: { userId: muted, durationMs: 0 } })).status).toBe(OK);
    await advanceClock(a.id, 1_000);
    expect(codeOf(await say(clients.get(muted)!, "thanks"))).toBe("OK");
    for (const c of all) c.close();
    // The last batch forwarded and every shard's report of its sockets leaving received: no call
    // between the room's objects outlives the test.
    await advanceClock(a.id, 1_000);
    for (const stub of await shardStubs(a.id)) await runDurableObjectAlarm(stub);
    await vi.waitUntil(
      async () => {
        const s = await roomStub(a.id).control(a.id, { kind: "stats" });
        return s.ok && s.stats.online === 0;
      },
      { timeout: 10_000, interval: 50 },
    );
  }, 30_000);
});
