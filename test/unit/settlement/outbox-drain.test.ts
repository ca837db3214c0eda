import { describe, expect, it } from "vitest";
import {
  type DrainPort,
  drainOutbox,
  nextDrainDelay,
  type OutboxMessage,
  planNextDrain,
} from "../../../durable-objects/features/settlement/outbox-drain";
import { retryDelaySeconds } from "../../../workers/settlement/consumer";

/** An outbox in memory whose Queue refuses the sends numbered in `failOn` (0-based). */
function fakePort(rows: number, failOn: number[] = []) {
  const outbox = Array.from({ length: rows }, (_, i) => ({
    key: `k${String(i).padStart(5, "0")}`,
    body: "{}",
    sent: false,
  }));
  const sends: OutboxMessage[][] = [];
  let calls = 0;
  const port: DrainPort = {
    unsent: (limit) =>
      outbox
        .filter((r) => !r.sent)
        .slice(0, limit)
        .map(({ key, body }) => ({ key, body })),
    send: async (messages) => {
      const n = calls++;
      if (failOn.includes(n)) throw new Error("queue unavailable");
      sends.push([...messages]);
    },
    markSent: (keys) => {
      for (const r of outbox) if (keys.includes(r.key)) r.sent = true;
    },
  };
  return { port, outbox, sends };
}

describe("drainOutbox", () => {
  it("sends in batches of 100 and marks them sent", async () => {
    const { port, outbox, sends } = fakePort(250);
    expect(await drainOutbox(port, () => 1)).toEqual({ kind: "drained", sent: 250 });
    expect(sends.map((s) => s.length)).toEqual([100, 100, 50]);
    expect(outbox.every((r) => r.sent)).toBe(true);
  });

  it("stops at the first refused batch, which stays unsent", async () => {
    const { port, outbox } = fakePort(250, [1]);
    expect(await drainOutbox(port, () => 1)).toMatchObject({ kind: "failed", sent: 100 });
    expect(outbox.filter((r) => !r.sent)).toHaveLength(150);
    // The next run sends the rest; nothing is sent twice by the drain itself.
    expect(await drainOutbox(port, () => 2)).toEqual({ kind: "drained", sent: 150 });
  });

  it("hands over after 10 batches", async () => {
    const { port } = fakePort(1_050);
    expect(await drainOutbox(port, () => 1)).toEqual({ kind: "more", sent: 1_000 });
    expect(await drainOutbox(port, () => 1)).toEqual({ kind: "drained", sent: 50 });
  });
});

describe("backoff", () => {
  it("doubles from 1 s up to 5 minutes", () => {
    expect([0, 1, 2, 3, 4, 9, 10, 50].map(nextDrainDelay)).toEqual([
      0, 1_000, 2_000, 4_000, 8_000, 256_000, 300_000, 300_000,
    ]);
  });

  it("plans the next drain: never, now, or after the backoff for one more failure", () => {
    expect(planNextDrain({ kind: "drained", sent: 3 }, 4, 100)).toEqual({ atMs: null, failures: 0 });
    expect(planNextDrain({ kind: "more", sent: 1_000 }, 0, 100)).toEqual({ atMs: 100, failures: 0 });
    expect(planNextDrain({ kind: "failed", sent: 0, error: "x" }, 2, 100)).toEqual({
      atMs: 4_100,
      failures: 3,
    });
  });

  it("retries failed messages after 2, 4, 8 ... seconds, at most 5 minutes", () => {
    expect([1, 2, 3, 8, 9, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 256, 300, 300]);
  });
});
