// A shard applies its coordinator's log exactly once and in order, whatever order deliveries arrive
// in, pulling what it missed before it sends anything newer (kernel/shard-replica.ts).
import { describe, expect, it, vi } from "vitest";
import type { Delivery, LogEntry, LogPage, Replica } from "../../../durable-objects/kernel/shard-protocol";
import { PULL_DEADLINE_MS, ShardReplica } from "../../../durable-objects/kernel/shard-replica";

const entry = (seq: number): LogEntry => ({ seq, bytes: Uint8Array.of(seq) });

/** A coordinator's log of `head` entries, and a shard wired to it with what it sent recorded. */
function setup(head: number, opts: { oldest?: number; failPulls?: number; hangPulls?: number } = {}) {
  const log = Array.from({ length: head }, (_, i) => entry(i + 1));
  const state = {
    seq: 0,
    rv: 0,
    parts: {} as Record<string, unknown>,
    pulls: 0,
    failPulls: opts.failPulls ?? 0,
    hangPulls: opts.hangPulls ?? 0,
  };
  const sent: number[] = [];
  const users: string[] = [];
  const replica = (rv: number): Replica => ({ rv, parts: { quiz: rv } });
  const shard = new ShardReplica({
    seq: () => state.seq,
    rv: () => state.rv,
    apply: (entries, r) => {
      for (const e of entries) {
        expect(e.seq).toBe(state.seq + 1);
        state.seq = e.seq;
      }
      if (r !== null) {
        state.rv = r.rv;
        state.parts = r.parts;
      }
    },
    forgetBefore: (oldest) => {
      state.seq = Math.max(state.seq, oldest - 1);
    },
    pull: async (after): Promise<LogPage> => {
      state.pulls += 1;
      if (state.failPulls > 0) {
        state.failPulls -= 1;
        throw new Error("coordinator unreachable");
      }
      if (state.hangPulls > 0) {
        state.hangPulls -= 1;
        return new Promise<LogPage>(() => {});
      }
      const oldest = opts.oldest ?? 1;
      const entries = log.filter((e) => e.seq > after && e.seq >= oldest).slice(0, 2);
      return { head, oldest, entries, replica: replica(head) };
    },
    sendAll: (bytes) => sent.push(bytes[0]!),
    sendUser: (userId) => users.push(userId),
    measured: () => undefined,
    now: () => 0,
  });
  const delivery = (seqs: number[], rv: number, extra: Partial<Delivery> = {}): Delivery => ({
    head: seqs.at(-1) ?? head,
    entries: seqs.map(entry),
    replica: replica(rv),
    notify: [],
    users: [],
    ...extra,
  });
  return { shard, state, sent, users, delivery };
}

describe("ShardReplica", () => {
  it("applies deliveries in order and sends each entry once", async () => {
    const { shard, state, sent, delivery } = setup(3);
    await shard.deliver(delivery([1], 1));
    await shard.deliver(delivery([2, 3], 2));
    expect(sent).toEqual([1, 2, 3]);
    expect(state).toMatchObject({ seq: 3, rv: 2, pulls: 0 });
  });

  it("skips a duplicate delivery", async () => {
    const { shard, sent, delivery } = setup(2);
    await shard.deliver(delivery([1, 2], 1));
    await shard.deliver(delivery([1, 2], 1));
    expect(sent).toEqual([1, 2]);
  });

  it("pulls the gap before sending a newer entry, then ignores the overtaken delivery", async () => {
    const { shard, state, sent, delivery } = setup(5);
    await shard.deliver(delivery([1], 1));
    // 2..4 were lost or are late: 5 arrives first.
    await shard.deliver(delivery([5], 5));
    expect(sent).toEqual([1, 2, 3, 4, 5]);
    expect(state.pulls).toBe(2);
    await shard.deliver(delivery([2, 3], 3));
    expect(sent).toEqual([1, 2, 3, 4, 5]);
    // An older replica never replaces a newer one.
    expect(state.rv).toBe(5);
  });

  it("catches up on an empty delivery that says the coordinator is ahead (the retry task)", async () => {
    const { shard, state, sent, delivery } = setup(3);
    await shard.deliver(delivery([], 3, { head: 3 }));
    expect(sent).toEqual([1, 2, 3]);
    expect(state.seq).toBe(3);
  });

  it("keeps deliveries in order while a pull is in flight", async () => {
    const { shard, sent, delivery } = setup(6);
    const a = shard.deliver(delivery([4], 4));
    const b = shard.deliver(delivery([5, 6], 6));
    await Promise.all([a, b]);
    expect(sent).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("rejects a delivery whose pull failed and sends nothing newer; the next one fills the gap", async () => {
    const { shard, sent, delivery } = setup(3, { failPulls: 1 });
    await expect(shard.deliver(delivery([3], 3))).rejects.toThrow("coordinator unreachable");
    expect(sent).toEqual([]);
    await shard.deliver(delivery([3], 3));
    expect(sent).toEqual([1, 2, 3]);
  });

  it("fails a delivery whose pull never answers at the deadline; the deliveries after it are not held", async () => {
    vi.useFakeTimers();
    try {
      const { shard, sent, delivery } = setup(3, { hangPulls: 1 });
      const stuck = shard.deliver(delivery([3], 3)).then(
        () => "delivered",
        (err: unknown) => String(err),
      );
      const next = shard.deliver(delivery([3], 3));
      await vi.advanceTimersByTimeAsync(PULL_DEADLINE_MS - 1);
      expect(await Promise.race([stuck, Promise.resolve("waiting")])).toBe("waiting");
      expect(sent).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(await stuck).toBe("Error: the coordinator did not answer a pull in time");
      await next;
      expect(sent).toEqual([1, 2, 3]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("skips what the coordinator no longer keeps, so RESUME answers gap for it", async () => {
    const { shard, state, sent, delivery } = setup(5, { oldest: 4 });
    await shard.deliver(delivery([5], 5));
    expect(sent).toEqual([4, 5]);
    expect(state.seq).toBe(5);
  });

  it("sends unnumbered notifications and user frames after the entries", async () => {
    const { shard, sent, users, delivery } = setup(1);
    await shard.deliver(
      delivery([1], 1, { notify: [Uint8Array.of(99)], users: [{ userId: "u1", bytes: Uint8Array.of(7) }] }),
    );
    expect(sent).toEqual([1, 99]);
    expect(users).toEqual(["u1"]);
  });
});
