// A room split into shards from the outside (DESIGN §8, docs/scale.md): the shard count set at
// creation, each socket routed by the Worker to its user's shard, host frames on any shard run by the
// coordinator, and the stats with a row per shard.
import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { liveroom } from "../../schema/proto";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";
import { createActivity, hostActivity, RawClient, usersByShard } from "./support/raw-client";

const T = liveroom.Type;

/** Connects through the Worker, as a client does, and authenticates. */
async function connect(activityId: string, sub: string, role: "viewer" | "host" = "viewer") {
  const token = await tokenFor(role, { sub });
  const res = await exports.default.fetch(`http://liveroom.test/rooms/${activityId}/ws?token=${token}`, {
    headers: { Upgrade: "websocket" },
  });
  expect(res.status).toBe(101);
  const client = new RawClient(res.webSocket!);
  const welcome = await client.request(T.AUTH, { auth: { token } });
  expect(welcome.status).toBe(liveroom.Status.OK);
  return { client, welcome: welcome.welcome! };
}

describe("the shard count", () => {
  it("is set at creation: explicit, from the expected audience, or 1", async () => {
    const admin = await tokenFor("admin");
    const create = (id: string, over: Record<string, unknown>) =>
      call<{ activity: { shards: number } }>("POST", "/api/admin/activities", {
        token: admin,
        body: { ...activityBody(id), ...over },
      });
    expect((await create(uniqueId("s"), {})).body.activity.shards).toBe(1);
    expect((await create(uniqueId("s"), { shards: 8 })).body.activity.shards).toBe(8);
    expect((await create(uniqueId("s"), { expectedAudience: 25_000 })).body.activity.shards).toBe(5);
    // An explicit count wins over the audience.
    expect(
      (await create(uniqueId("s"), { shards: 2, expectedAudience: 1_000_000 })).body.activity.shards,
    ).toBe(2);
    for (const shards of [0, 257, 1.5, "4"]) {
      const bad = await create(uniqueId("s"), { shards });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({
        error: {
          code: "VALIDATION_FAILED",
          field: "shards",
          message: "shards must be an integer from 1 to 256",
        },
      });
    }
  });
});

describe("a room of four shards", () => {
  it("routes each user to their shard, forwards host frames and gathers a row per shard", async () => {
    const activity = await createActivity({
      questions: [{ text: "2 + 2?", options: ["3", "4"], correct: 1 }],
      shards: 4,
    });
    const a = activity.id;
    const users = usersByShard(uniqueId("route"), 4, 1).map(([u]) => u!);
    const viewers = await Promise.all(users.map((u) => connect(a, u)));
    viewers.forEach((v, k) => {
      expect(v.welcome.shard).toBe(k);
      expect(v.welcome.roomSeq).toBe(0);
      expect(v.welcome.reconnectWindowMs).toBe(1_000);
    });
    // The host's socket lands on a shard other than the coordinator's; its frames still operate the room.
    const hostId = usersByShard(uniqueId("host"), 4, 1).map(([u]) => u!)[2]!;
    await hostActivity(a, hostId);
    const host = await connect(a, hostId, "host");
    expect(host.welcome.shard).toBe(2);
    expect((await host.client.request(T.OPEN, { open: {} })).status).toBe(liveroom.Status.OK);
    const pushed = await host.client.request(T.PUSH_QUESTION, { pushQuestion: { question: 0 } });
    expect(pushed.status).toBe(liveroom.Status.OK);
    // Every viewer, on every shard, gets the same numbered notifications.
    for (const v of viewers) {
      await v.client.waitForNotification((n) => n.question != null);
      expect(
        v.client.frames
          .filter((f) => (f.notification?.roomSeq ?? 0) > 0)
          .map((f) => [f.notification!.roomSeq, f.type]),
      ).toEqual([
        [1, T.ROOM_OPENED],
        [2, T.QUESTION],
      ]);
    }
    // Answers are judged on each viewer's own shard; the stats sum them, with a row per shard.
    for (const [k, v] of viewers.entries()) {
      expect((await v.client.answer(0, k % 2)).status).toBe(liveroom.Status.OK);
    }
    await vi.waitUntil(async () => {
      const s = await host.client.request(T.STATS, { stats: {} });
      return s.stats?.online === 5;
    });
    const stats = (await host.client.request(T.STATS, { stats: {} })).stats!;
    expect(stats.counts).toEqual([2, 2]);
    expect(stats.players).toBe(4);
    expect((stats.shards ?? []).map((r) => [r.shard, r.online, r.players, r.answers, r.roomSeq])).toEqual([
      [0, 1, 1, 1, 2],
      [1, 1, 1, 1, 2],
      [2, 2, 1, 1, 2],
      [3, 1, 1, 1, 2],
    ]);
    // A viewer's STATS is refused on its shard, as in a one-shard room.
    expect((await viewers[1]!.client.request(T.STATS, { stats: {} })).code).toBe(liveroom.Code.FORBIDDEN);
    for (const v of [...viewers, host]) v.client.close();
  });

  it("refuses an AUTH for another shard's user on a tokenless socket with WRONG_SHARD", async () => {
    const activity = await createActivity({
      questions: [{ text: "2 + 2?", options: ["3", "4"], correct: 1 }],
      shards: 4,
    });
    const other = usersByShard(uniqueId("wrong"), 4, 1).map(([u]) => u!)[3]!;
    // Tokenless: the test joins shard 0 directly (the Worker picks a random shard).
    const anonymous = await RawClient.join(activity.id, null);
    const token = await tokenFor("viewer", { sub: other });
    const res = await anonymous.request(T.AUTH, { auth: { token } });
    expect(res.code).toBe(liveroom.Code.WRONG_SHARD);
    // Nothing changed: the socket is still tokenless.
    expect((await anonymous.answer(0, 1)).code).toBe(liveroom.Code.NOT_AUTHENTICATED);
    anonymous.close();
  });
});
