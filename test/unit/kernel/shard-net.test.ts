// The coordinator's side of a split room (kernel/shard-net.ts): a committed notification is always
// followed by a catch-up of every shard (`catchup:*`), so a fan-out lost to a reset is still delivered;
// a shard that cannot be reached gets its own `catchup:<k>`.
import { describe, expect, it } from "vitest";
import type { Effect } from "../../../durable-objects/kernel/effects";
import { CATCHUP_RETRY_MS, ShardNet } from "../../../durable-objects/kernel/shard-net";
import type { Delivery, RoomRpc } from "../../../durable-objects/kernel/shard-protocol";

/** A coordinator (or shard `shard`) of `n` shards whose calls to the shards in `down` fail. */
function net(n: number, opts: { shard?: number; down?: number[] } = {}) {
  const delivered: { name: string; d: Delivery }[] = [];
  const applied: Effect[] = [];
  const net = new ShardNet({
    shard: () => opts.shard ?? 0,
    activityId: () => "act",
    shards: () => n,
    stub: (name) =>
      ({
        shardDeliver: async (_a: string, k: number, d: Delivery) => {
          if (opts.down?.includes(k)) throw new Error(`shard ${k} unreachable`);
          delivered.push({ name, d });
        },
      }) as unknown as RoomRpc,
    head: () => 7,
    replica: () => ({ rv: 3, parts: {} }),
    local: async () => null,
    localCoordinator: async () => null,
    effects: async (effects) => void applied.push(...effects),
    now: () => 1_000,
  });
  return { net, delivered, applied };
}

describe("ShardNet", () => {
  it("schedules catchup:* with every logged notification, at a coordinator of several shards only", () => {
    const scheduled = (n: number, shard = 0) => {
      const out: [string, number][] = [];
      net(n, { shard }).net.logged((task, atMs) => out.push([task, atMs]));
      return out;
    };
    expect(scheduled(4)).toEqual([["catchup:*", 1_000 + CATCHUP_RETRY_MS]]);
    expect(scheduled(1)).toEqual([]);
    expect(scheduled(4, 2)).toEqual([]);
  });

  it("catches every shard up from the head; one it cannot reach gets its own task", async () => {
    const { net: coordinator, delivered } = net(4, { down: [2] });
    const retry = await coordinator.catchUpAll();
    expect(delivered.map((x) => x.name).sort()).toEqual(["act#1", "act#3"]);
    for (const { d } of delivered)
      expect(d).toEqual({ head: 7, entries: [], replica: { rv: 3, parts: {} }, notify: [], users: [] });
    expect(retry).toEqual([{ kind: "scheduleOnce", task: "catchup:2", atMs: 1_000 + CATCHUP_RETRY_MS }]);
  });

  it("gives a shard whose delivery failed a catchup:<k> task", async () => {
    const { net: coordinator, delivered, applied } = net(3, { down: [1] });
    await coordinator.deliver({ entries: [{ seq: 7, bytes: Uint8Array.of(7) }], notify: [], users: [] });
    expect(delivered.map((x) => x.name)).toEqual(["act#2"]);
    expect(applied).toEqual([{ kind: "scheduleOnce", task: "catchup:1", atMs: 1_000 + CATCHUP_RETRY_MS }]);
  });
});
