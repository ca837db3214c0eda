// Red-packet helpers for room tests: an activity with rains, grab frames, and the room's storage
// read back exactly (runs, grants, outbox), so tests can compare before and after.
import { runInDurableObject } from "cloudflare:test";
import { vi } from "vitest";
import type { RainConfig } from "../../../schema/activity";
import type { LiveRoom } from "../../../durable-objects/live-room";
import { liveroom } from "../../../schema/proto";
import { createActivity, type RawClient, roomStub } from "./raw-client";

const T = liveroom.Type;

/**
 * A rain with a fixed seed, as the admin API would store it; its amounts are `rainPackets(rain)`, the
 * same split the room derives.
 */
export function rain(
  totalCents: number,
  count: number,
  over: Partial<Omit<RainConfig, "totalCents" | "count">> = {},
): RainConfig {
  return {
    totalCents,
    count,
    targetTapsPerSec: 1000,
    durationMs: 60_000,
    ...over,
    seed: over.seed ?? `test-${totalCents}-${count}`,
  };
}

/** An activity with one question and these rains. */
export function createRainActivity(rains: RainConfig[], grabCap = 3) {
  return createActivity({ questions: [{ text: "q0", options: ["a", "b"], correct: 0 }], rains, grabCap });
}

/** One GRAB request (a fresh seq), optionally with a grab id. */
export function grab(client: RawClient, rainIndex: number, grabId?: string): Promise<liveroom.Response> {
  return client.request(T.GRAB, { grab: { rain: rainIndex, grabId } });
}

/** Sends a frame with an explicit seq and waits for the newest response carrying that seq. */
export async function sendWithSeq(
  client: RawClient,
  frame: liveroom.Frame.$Properties,
): Promise<liveroom.Response> {
  const seq = frame.seq ?? 0;
  const before = client.frames.filter((f) => f.response && f.seq === seq).length;
  client.sendRaw(liveroom.Frame.encode(frame).finish());
  await vi.waitUntil(() => client.frames.filter((f) => f.response && f.seq === seq).length > before, {
    timeout: 5_000,
  });
  return client.frames.filter((f) => f.response && f.seq === seq).at(-1)!.response as liveroom.Response;
}

export interface GrantView {
  rain: number;
  packetIndex: number;
  userId: string;
  replayId: string;
  amountCents: number;
  grabbed: number;
}

export interface OutboxGrant {
  key: string;
  kind: string;
  activityId: string;
  userId: string;
  rain: number;
  packetIndex: number;
  amountCents: number;
}

/** The room's red-packet storage, read inside the object: exact rows, in a stable order. */
export function rainStorage(activityId: string) {
  return runInDurableObject(roomStub(activityId), async (_room: LiveRoom, state) => {
    const sql = state.storage.sql;
    // The coordinator's record of each rain (its cursor: the next packet it hands out) and, beside it,
    // this object's part as the room's shard 0: what it granted (DESIGN §8).
    const runs = sql.exec("SELECT * FROM rain_runs ORDER BY rain").toArray();
    const parts = sql.exec("SELECT * FROM rain_shard ORDER BY rain").toArray();
    const grants = sql
      .exec("SELECT * FROM grants ORDER BY rain, packet_index")
      .toArray()
      .map(
        (r): GrantView => ({
          rain: Number(r.rain),
          packetIndex: Number(r.packet_index),
          userId: String(r.user_id),
          replayId: String(r.replay_id),
          amountCents: Number(r.amount_cents),
          grabbed: Number(r.grabbed),
        }),
      );
    const outbox = sql
      .exec("SELECT key, body FROM outbox WHERE key LIKE 'rain:%' ORDER BY created_ms, key")
      .toArray()
      .map((r) => JSON.parse(String(r.body)) as OutboxGrant)
      // In packet order (a held clock stamps a burst's rows with one time; their keys sort as text).
      .sort((a, b) => a.rain - b.rain || a.packetIndex - b.packetIndex);
    const schedule = sql
      .exec("SELECT name, at_ms FROM schedule WHERE name LIKE 'rainEnd:%' ORDER BY name")
      .toArray();
    return { runs, parts, grants, outbox, schedule };
  });
}

/** The room's operator stats through its RPC control, as the HTTP API reads them. */
export async function roomStats(activityId: string) {
  const r = await roomStub(activityId).control(activityId, { kind: "stats" });
  if (!r.ok) throw new Error(`stats failed: ${r.codeName}`);
  return r.stats;
}
