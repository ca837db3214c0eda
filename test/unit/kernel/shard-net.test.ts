// The coordinator's side of a split room (kernel/shard-net.ts): a committed notification is always
// followed by a catch-up of every shard (`catchup:*`), so a fan-out lost to a reset is still delivered;
// a shard that cannot be reached gets its own `catchup:<k>`.
import { describe, expect, it, vi } from "vitest";
import type { Effect } from "../../../durable-objects/kernel/effects";
import { CATCHUP_RETRY_MS, GATHER_DEADLINE_MS, ShardNet } from "../../../durable-objects/kernel/shard-net";
import type { Delivery, RoomRpc } from "../../../durable-objects/kernel/shard-protocol";

/** A coordinator (or shard `shard`) of `n` shards whose calls to the shards in `down` fail. */
function net(n: number, opts: { shard?: number; down?: number[]; silent?: number[] } = {}) {
  const delivered: { name: string; d: Delivery }[] = [];
  const applied: Effect[] = [];
  const reported: [number, unknown][] = [];
  const net = new ShardNet({
    shard: () => opts.shard ?? 0,
    activityId: () => "act",
    shards: () => n,
    stub: (name) =>
      ({
        shardDeliver: async (_a: string, k: number, d: Delivery) => {
          if (opts.down?.includes(k)) throw new Error(`shard ${k} unreachable`);
          delivered.push({ name, d });
          return { figuresOf: k };
        },
        shardOp: (_a: string, k: number, op: string) =>
          opts.silent?.includes(k) ? new Promise(() => {}) : Promise.resolve(`${op}@${k}`),
      }) as unknown as RoomRpc,
    head: () => 7,
    replica: () => ({ rv: 3, parts: {} }),
    local: async (op: string) => `${op}@0`,
    localCoordinator: async () => null,
    effects: async (effects) => void applied.push(...effects),
    reported: (k, figures) => void reported.push([k, figures]),
    now: () => 1_000,
  });
  return { net, delivered, applied, reported };
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

  it("keeps the stats row each shard answered its delivery with", async () => {
    const { net: coordinator, reported } = net(4, { down: [3] });
    await coordinator.deliver({ entries: [{ seq: 7, bytes: Uint8Array.of(7) }], notify: [], users: [] });
    expect(reported.sort()).toEqual([
      [1, { figuresOf: 1 }],
      [2, { figuresOf: 2 }],
    ]);
  });

  it("gathers every shard in shard order, and refuses at the deadline a gather a shard does not answer", async () => {
    expect(await net(3).net.each("quiz.close", null)).toEqual([
      "quiz.close@0",
      "quiz.close@1",
      "quiz.close@2",
    ]);
    vi.useFakeTimers();
    try {
      const gather = net(3, { silent: [2] }).net.each("quiz.close", null);
      const settled = gather.then(
        () => "answered",
        (err: unknown) => String(err),
      );
      await vi.advanceTimersByTimeAsync(GATHER_DEADLINE_MS - 1);
      expect(await Promise.race([settled, Promise.resolve("waiting")])).toBe("waiting");
      await vi.advanceTimersByTimeAsync(1);
      expect(await settled).toBe("Error: shard 2 did not answer quiz.close in time");
    } finally {
      vi.useRealTimers();
    }
  });
});
