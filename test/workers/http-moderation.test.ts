// The room's moderation over HTTP (docs/live-room.md, "Moderation"): the same steps as the host's
// frames, answered with the room's moderation after each.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { liveroom } from "../../schema/proto";
import { setActivityHost } from "../../schema/queries/gifts";
import { call } from "./http-helpers";
import { createActivity, RawClient, token, uniqueId } from "./support/raw-client";

const C = liveroom.Code;

describe("moderation over HTTP", () => {
  it("slow mode, a mute for the show, shadow mutes and the room's words; bad input by field", async () => {
    const a = await createActivity({
      questions: [{ text: "q", options: ["a", "b"], correct: 0 }],
      shards: 2,
    });
    const p = uniqueId("hmod");
    await setActivityHost(env.DB, a.id, `${p}-host`, Date.now());
    const host = await token(`${p}-host`, "host");
    const viewer = await token(`${p}-v`);
    const base = `/api/rooms/${a.id}`;
    const v = await RawClient.join(a.id, `${p}-v`);

    expect(await call("GET", `${base}/moderation`, { token: host })).toEqual({
      status: 200,
      body: { ok: true, moderation: { slowModeSeconds: 0, mutes: [], shadowMuted: [], words: [] } },
    });
    expect((await call("POST", `${base}/slow-mode`, { token: viewer, body: { seconds: 5 } })).status).toBe(
      403,
    );
    expect(await call("POST", `${base}/slow-mode`, { token: host, body: { seconds: 301 } })).toMatchObject({
      status: 400,
      body: { error: { code: "VALIDATION_FAILED", field: "seconds" } },
    });
    expect(await call("POST", `${base}/slow-mode`, { token: host, body: { seconds: 30 } })).toMatchObject({
      status: 200,
      body: { ok: true, moderation: { slowModeSeconds: 30 } },
    });
    expect(
      await call("POST", `${base}/mutes`, {
        token: host,
        body: { userId: `${p}-m`, durationMs: 0, forShow: true },
      }),
    ).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(
      await call("POST", `${base}/shadow-mutes`, { token: host, body: { userId: `${p}-host`, on: true } }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: "MUTE_BAD_REQUEST" } },
    });
    expect(
      await call("POST", `${base}/shadow-mutes`, { token: host, body: { userId: `${p}-s`, on: true } }),
    ).toMatchObject({
      status: 200,
      body: { ok: true, moderation: { shadowMuted: [`${p}-s`] } },
    });
    expect(
      await call("PUT", `${base}/danmaku/words`, { token: host, body: { words: ["x".repeat(51)] } }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: "VALIDATION_FAILED" } },
    });
    expect(
      await call("PUT", `${base}/danmaku/words`, { token: host, body: { words: ["spoiler", " spoiler "] } }),
    ).toMatchObject({
      status: 200,
      body: { ok: true, moderation: { words: ["spoiler"] } },
    });
    expect(await call("GET", `${base}/moderation`, { token: host })).toEqual({
      status: 200,
      body: {
        ok: true,
        moderation: {
          slowModeSeconds: 30,
          mutes: [{ userId: `${p}-m`, untilMs: null, forShow: true }],
          shadowMuted: [`${p}-s`],
          words: ["spoiler"],
        },
      },
    });
    // The viewer's shard has it all: the word, then slow mode.
    const blocked = await v.request(liveroom.Type.DANMAKU, { danmaku: { text: "no SPOILER please" } });
    expect(blocked.code).toBe(C.DANMAKU_BLOCKED);
    const waited = await v.request(liveroom.Type.DANMAKU, { danmaku: { text: "hello" } });
    expect(waited.code).toBe(C.SLOW_MODE_WAIT);
    v.close();
  });
});
