// Moderation in a room of three shards (docs/live-room.md, "Moderation"): the host's slow mode, mutes
// for the show, shadow mutes and the room's own words are decided at the coordinator and pushed to
// every shard, where each player's danmaku is decided. The room's clocks are held, so every wait is exact.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { liveroom } from "../../schema/proto";
import { shardOf } from "../../schema/shards";
import {
  advanceClock,
  createActivity,
  RawClient,
  roomStub,
  shardStubs,
  token,
  uniqueId,
} from "./support/raw-client";

const T = liveroom.Type;
const C = liveroom.Code;
const OK = liveroom.Status.OK;
const SHARDS = 3;
const HEARTBEAT = String.fromCharCode(0x08, 0x01);

/** A user id of `prefix` whose socket goes to shard `k`. */
function userOn(prefix: string, k: number): string {
  for (let i = 0; ; i++) if (shardOf(`${prefix}-${i}`, SHARDS) === k) return `${prefix}-${i}`;
}

function say(client: RawClient, text: string) {
  return client.request(T.DANMAKU, { danmaku: { text, streamTsMs: 0 } });
}

const codeOf = (r: liveroom.Response) => (r.status === OK ? "OK" : (C[r.code ?? 0] ?? String(r.code)));

/** Every danmaku text a socket was shown in ticks, in order, with the tick number it came in. */
function shown(client: RawClient): string[] {
  return client.frames
    .filter((f) => f.type === T.DANMAKU_TICK)
    .flatMap((f) => f.notification!.danmakuTick!.items!.map((d) => d.text!));
}

async function stats(activityId: string) {
  const r = await roomStub(activityId).control(activityId, { kind: "stats" });
  if (!r.ok) throw new Error(r.message);
  return r.stats;
}

/** Moves the room's time a tick at a time until every accepted danmaku was shown (or dropped). */
async function settleTicks(activityId: string) {
  let s = await stats(activityId);
  for (
    let step = 0;
    step < 20 && s.danmakuIn !== s.danmakuShown + s.danmakuDropped + s.danmakuBlocked;
    step++
  ) {
    await advanceClock(activityId, 200);
    s = await stats(activityId);
  }
  return s;
}

describe("moderation across three shards", () => {
  it("slow mode, a mute for the show, a shadow mute and the room's words, each on every shard", async () => {
    const a = await createActivity({
      questions: [{ text: "q", options: ["a", "b"], correct: 0 }],
      shards: SHARDS,
    });
    const p = uniqueId("smod");
    const [ann, bob, cat] = [userOn(`${p}-a`, 0), userOn(`${p}-b`, 1), userOn(`${p}-c`, 2)];
    const hostId = userOn(`${p}-host`, 1);
    const host = await RawClient.join(a.id, hostId, "host");
    expect((await host.request(T.OPEN, { open: {} })).status).toBe(OK);
    const [A, B, Cc] = [
      await RawClient.join(a.id, ann),
      await RawClient.join(a.id, bob),
      await RawClient.join(a.id, cat),
    ];
    const all = [host, A, B, Cc];
    for (const stub of await shardStubs(a.id)) await stub.holdClock(true);

    // A viewer may not moderate; a frame without its body is malformed; a shadow mute names someone else.
    expect(codeOf(await A.request(T.SLOW_MODE, { slowMode: { seconds: 5 } }))).toBe("FORBIDDEN");
    expect(codeOf(await A.request(T.MODERATION, { moderation: {} }))).toBe("FORBIDDEN");
    expect(codeOf(await host.request(T.SLOW_MODE, { shadowMute: { userId: ann } }))).toBe("MALFORMED");
    expect(codeOf(await host.request(T.SHADOW_MUTE, { shadowMute: { userId: "", on: true } }))).toBe(
      "MUTE_BAD_REQUEST",
    );
    expect(codeOf(await host.request(T.SHADOW_MUTE, { shadowMute: { userId: hostId, on: true } }))).toBe(
      "MUTE_BAD_REQUEST",
    );

    // ---- slow mode: 10 s, told to every socket, enforced on each player's shard with the exact wait
    const slow = await host.request(T.SLOW_MODE, { slowMode: { seconds: 10 } });
    expect(codeOf(slow)).toBe("OK");
    expect(slow.moderation).toMatchObject({ slowModeSeconds: 10 });
    for (const c of all) {
      const n = await c.waitForNotification((x) => x.slowMode != null);
      expect([n.slowMode!.seconds, n.roomSeq! > 0]).toEqual([10, true]);
    }
    for (const c of [A, B, Cc])
      expect(codeOf(await say(c, `first from ${c === A ? "A" : c === B ? "B" : "C"}`))).toBe("OK");
    for (const c of [A, B, Cc]) {
      const r = await say(c, "too soon");
      expect([codeOf(r), r.message]).toEqual([
        "SLOW_MODE_WAIT",
        "slow mode: one danmaku per 10 s; wait 10000 ms",
      ]);
    }
    for (const c of all) c.sendRaw(HEARTBEAT);
    await advanceClock(a.id, 4_000);
    expect((await say(B, "still too soon")).message).toBe("slow mode: one danmaku per 10 s; wait 6000 ms");
    await advanceClock(a.id, 6_000);
    expect(codeOf(await say(B, "now fine"))).toBe("OK");
    // A socket joining now is told in its welcome, on any shard.
    const late = await RawClient.join(a.id, userOn(`${p}-late`, 2));
    const welcome = await late.request(T.AUTH, { auth: { token: await token(userOn(`${p}-late`, 2)) } });
    expect(welcome.welcome!.room!.slowModeSeconds).toBe(10);
    late.close();
    expect(codeOf(await host.request(T.SLOW_MODE, { slowMode: { seconds: 301 } }))).toBe(
      "MODERATION_BAD_REQUEST",
    );
    expect(codeOf(await host.request(T.SLOW_MODE, { slowMode: { seconds: 0 } }))).toBe("OK");
    await A.waitForNotification((x) => x.slowMode != null && (x.slowMode.seconds ?? 0) === 0);
    expect(codeOf(await say(A, "slow mode is off"))).toBe("OK");

    // ---- a mute for the show: refused on its shard until the host lifts it; listed without an end
    const mute = await host.request(T.MUTE, { mute: { userId: bob, forShow: true } });
    expect(codeOf(mute)).toBe("OK");
    const muted = await say(B, "hello?");
    expect([codeOf(muted), muted.message]).toEqual(["MUTED", "muted by the host for the rest of the show"]);
    for (const c of all) c.sendRaw(HEARTBEAT);
    await advanceClock(a.id, 50_000);
    expect(codeOf(await say(B, "hello??"))).toBe("MUTED");
    const state = await host.request(T.MODERATION, { moderation: {} });
    expect(state.moderation).toMatchObject({
      slowModeSeconds: 0,
      mutes: [{ userId: bob, forShow: true }],
      shadowMuted: [],
      words: [],
    });
    expect(Number(state.moderation!.mutes![0]!.untilMs ?? 0)).toBe(0);

    // ---- a shadow mute: C (shard 2) is answered and sees its own; nobody else does, nor the counts
    const shadow = await host.request(T.SHADOW_MUTE, { shadowMute: { userId: cat, on: true } });
    expect(shadow.moderation!.shadowMuted).toEqual([cat]);
    const hidden = await say(Cc, "only I see this");
    expect(codeOf(hidden)).toBe("OK");
    expect(hidden.danmaku!.text).toBe("only I see this");
    expect(codeOf(await say(A, "everyone sees this"))).toBe("OK");
    for (const c of all) c.sendRaw(HEARTBEAT);
    const s = await settleTicks(a.id);
    await Promise.all(all.map((c) => c.flush()));
    for (const c of [host, A, B]) {
      expect(shown(c)).toContain("everyone sees this");
      expect(shown(c)).not.toContain("only I see this");
    }
    expect(shown(Cc)).toContain("only I see this");
    expect(shown(Cc)).toContain("everyone sees this");
    // Counted nowhere: in = shown + dropped + blocked holds without it.
    expect(s.danmakuIn).toBe(s.danmakuShown + s.danmakuDropped + s.danmakuBlocked);
    expect(s.danmakuIn).toBe(6);
    // Lifted: C's next one is everyone's.
    expect(
      (await host.request(T.SHADOW_MUTE, { shadowMute: { userId: cat, on: false } })).moderation!.shadowMuted,
    ).toEqual([]);
    expect(codeOf(await say(Cc, "back in the room"))).toBe("OK");
    await settleTicks(a.id);
    await A.flush();
    expect(shown(A)).toContain("back in the room");

    // ---- the room's words: over the socket, on every shard, on top of the platform's list
    expect(codeOf(await host.request(T.SET_WORDS, { setWords: { words: [""] } }))).toBe(
      "MODERATION_BAD_REQUEST",
    );
    const many = Array.from({ length: 201 }, (_, i) => `w${i}`);
    const tooMany = await host.request(T.SET_WORDS, { setWords: { words: many } });
    expect([codeOf(tooMany), tooMany.message]).toEqual(["MODERATION_BAD_REQUEST", "at most 200 words"]);
    const words = await host.request(T.SET_WORDS, { setWords: { words: [" Spoiler ", "secret", "secret"] } });
    expect(words.moderation!.words).toEqual(["Spoiler", "secret"]);
    expect(codeOf(await host.request(T.MUTE, { mute: { userId: bob, durationMs: 0 } }))).toBe("OK");
    for (const c of all) c.sendRaw(HEARTBEAT);
    await advanceClock(a.id, 5_000);
    expect(codeOf(await say(A, "the S-E-C-R-E-T is out"))).toBe("DANMAKU_BLOCKED");
    expect(codeOf(await say(B, "big sp0iler here"))).toBe("DANMAKU_BLOCKED");
    expect(codeOf(await say(Cc, "nothing to hide"))).toBe("OK");
    expect(codeOf(await host.request(T.SET_WORDS, { setWords: { words: [] } }))).toBe("OK");
    expect(codeOf(await say(B, "the secret is out"))).toBe("OK");

    for (const c of all) c.close();
    await advanceClock(a.id, 1_000);
    for (const stub of await shardStubs(a.id)) await runDurableObjectAlarm(stub);
    await vi.waitUntil(async () => (await stats(a.id)).online === 0, { timeout: 10_000, interval: 50 });
  }, 30_000);
});
