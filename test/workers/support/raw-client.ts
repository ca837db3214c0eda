import { expect, vi } from "vitest";
// A minimal socket driver for room tests: raw frames in and out, nothing hidden. The SDK has
// its own tests; room tests that need exact bytes (malformed frames, text frames) use this.
import { env } from "cloudflare:workers";
import type { ActivityConfig, QuestionConfig } from "../../../schema/activity";
import { liveroom } from "../../../schema/proto";
import { signToken } from "../../../schema/auth";
import { insertActivity, loadActivityShards } from "../../../schema/queries/activities";
import { shardObjectName, shardOf } from "../../../schema/shards";
import { setActivityHost } from "../../../schema/queries/gifts";
import { upsertUser } from "../../../schema/queries/users";

export const SECRET = "test-secret";
let counter = 0;

/** A unique activity id per test, so tests never share a room. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function createActivity(over: Partial<ActivityConfig> & { questions: QuestionConfig[] }) {
  const config: ActivityConfig = {
    id: uniqueId("act"),
    title: "Test quiz",
    startAtMs: Date.now(),
    prizePoolCents: 100_000,
    answerWindowMs: 1_000,
    streamUrl: "",
    grabCap: 3,
    shards: 1,
    rains: [],
    ...over,
  };
  expect(await insertActivity(env.DB, config, Date.now())).toBe("created");
  return config;
}

export async function createUser(id: string, revivalCards = 0) {
  await upsertUser(env.DB, { id, name: id, revivalCards }, Date.now());
}

export function token(sub: string, role: "viewer" | "host" | "admin" = "viewer", expInSec = 3600) {
  return signToken({ sub, role, exp: Math.floor(Date.now() / 1000) + expInSec }, SECRET);
}

/** Makes `userId` the activity's host: the only host token that may operate its room. */
export async function hostActivity(activityId: string, userId: string) {
  await setActivityHost(env.DB, activityId, userId, Date.now());
}

export function roomStub(activityId: string) {
  return env.LIVE_ROOM.get(env.LIVE_ROOM.idFromName(activityId));
}

/** Shard k's object of a room (shard 0 is the coordinator's, `roomStub`). */
export function shardStub(activityId: string, k: number) {
  return env.LIVE_ROOM.get(env.LIVE_ROOM.idFromName(shardObjectName(activityId, k)));
}

/** Every shard object of a room, shard 0 first. */
export async function shardStubs(activityId: string) {
  const n = (await loadActivityShards(env.DB, activityId)) ?? 1;
  return Array.from({ length: n }, (_, k) => shardStub(activityId, k));
}

/**
 * Moves the room's clock forward by `ms` instead of sleeping (LIVEROOM_TEST_CLOCK) and re-arms its
 * alarm, so a task now due (a window's close, a rain's end, a danmaku tick) runs at once.
 * @returns the room's time after the move.
 */
export function advanceClock(activityId: string, ms: number): Promise<number> {
  return roomStub(activityId).advanceClock(ms);
}

export class RawClient {
  readonly frames: liveroom.Frame[] = [];
  readonly texts: string[] = [];
  closed: { code: number; reason: string } | null = null;
  #seq = 0;

  constructor(readonly ws: WebSocket) {
    ws.binaryType = "arraybuffer";
    ws.accept();
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") this.texts.push(e.data);
      else this.frames.push(liveroom.Frame.decode(new Uint8Array(e.data as ArrayBuffer)));
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
    });
  }

  /** Connects straight to the room as the Worker would after verifying a token. */
  static async join(activityId: string, userId: string | null, role = "viewer"): Promise<RawClient> {
    // A host token operates only the activities it hosts (docs/security.md).
    if (role === "host" && userId !== null) await hostActivity(activityId, userId);
    // As the Worker routes it: to the user's shard (a tokenless socket to shard 0 here).
    const n = (await loadActivityShards(env.DB, activityId)) ?? 1;
    const shard = userId === null ? 0 : shardOf(userId, n);
    const headers: Record<string, string> = {
      Upgrade: "websocket",
      "X-Liveroom-Activity": activityId,
      "X-Liveroom-Shard": String(shard),
    };
    if (userId !== null) {
      headers["X-Liveroom-User"] = userId;
      headers["X-Liveroom-Role"] = role;
    }
    const res = await shardStub(activityId, shard).fetch("http://room/ws", { headers });
    expect(res.status).toBe(101);
    return new RawClient(res.webSocket!);
  }

  sendRaw(data: ArrayBuffer | Uint8Array | string) {
    this.ws.send(data);
  }

  /** Sends a request and waits for the response with the same seq. */
  async request(type: number, request: liveroom.Request.$Properties): Promise<liveroom.Response> {
    this.#seq += 1;
    const seq = this.#seq;
    this.ws.send(liveroom.Frame.encode({ type, seq, request }).finish());
    return this.response(seq);
  }

  async response(seq: number): Promise<liveroom.Response> {
    await vi.waitUntil(() => this.frames.some((f) => f.response && f.seq === seq), { timeout: 5_000 });
    return this.frames.find((f) => f.response && f.seq === seq)!.response as liveroom.Response;
  }

  /** The numbered notifications received so far, in arrival order. */
  /**
   * The room's notifications to this socket, all but the online count: that one comes whenever the
   * audience moved (at most once a second), so a test of anything else would race it; its own tests
   * read `frames`.
   */
  notifications(): liveroom.Notification[] {
    return this.frames
      .filter((f) => f.notification && f.type !== liveroom.Type.ONLINE_COUNT)
      .map((f) => f.notification as liveroom.Notification);
  }

  /**
   * Waits until every frame the room sent this socket so far has arrived: one more request is
   * answered (a STATS request: refused for viewers, harmless for hosts), and frames keep their order.
   */
  async flush(): Promise<void> {
    await this.request(liveroom.Type.STATS, { stats: {} });
  }

  async waitForNotification(pred: (n: liveroom.Notification) => boolean): Promise<liveroom.Notification> {
    await vi.waitUntil(() => this.notifications().some(pred), { timeout: 5_000 });
    return this.notifications().find(pred)!;
  }

  answer(question: number, option: number) {
    return this.request(liveroom.Type.ANSWER, { answer: { question, option } });
  }

  close() {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

/** `per` user ids `${prefix}-${i}` on each of a room's `n` shards (`shardOf`): `[shard][i]`, shard 0's first. */
export function usersByShard(prefix: string, n: number, per: number): string[][] {
  const byShard: string[][] = Array.from({ length: n }, () => []);
  for (let i = 0; byShard.some((u) => u.length < per); i++) {
    const u = `${prefix}-${i}`;
    const users = byShard[shardOf(u, n)]!;
    if (users.length < per) users.push(u);
  }
  return byShard;
}
