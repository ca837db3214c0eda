// The shard a user's sockets reach, the default shard count, and the reconnect window (docs/scale.md).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reconnectWindowMs } from "../../../durable-objects/kernel/reconnect";
import { shardsFor } from "../../../schema/activity";
import { shardObjectName, shardOf } from "../../../schema/shards";

describe("shardOf", () => {
  it("is FNV-1a over the UTF-8 bytes, modulo the count (reference values)", () => {
    expect(shardOf("u1", 8)).toBe(3);
    expect(shardOf("u1", 1)).toBe(0);
    // FNV-1a("") = 0x811c9dc5 = 2166136261; 2166136261 mod 7 = 1.
    expect(shardOf("", 7)).toBe(2166136261 % 7);
    // Multi-byte UTF-8: "é" is 0xc3 0xa9.
    let h = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(shardOf("é", 100)).toBe(h % 100);
  });

  it("is always a shard of the room", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 128 }), (user, n) => {
        const k = shardOf(user, n);
        return Number.isInteger(k) && k >= 0 && k < n && k === shardOf(user, n);
      }),
    );
  });

  it("spreads users evenly: 8,000 ids over 8 shards within 10% of 1,000 each", () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[shardOf(`user-${i}`, 8)]! += 1;
    for (const c of counts) expect(Math.abs(c - 1_000)).toBeLessThan(100);
  });

  it("names shard 0 after the activity (the coordinator's object), the others after it and k", () => {
    expect(shardObjectName("quiz", 0)).toBe("quiz");
    expect(shardObjectName("quiz", 3)).toBe("quiz#3");
  });
});

describe("shardsFor", () => {
  it("is one shard per 5,000 expected viewers, from 1 to 256", () => {
    expect(shardsFor(1)).toBe(1);
    expect(shardsFor(5_000)).toBe(1);
    expect(shardsFor(5_001)).toBe(2);
    expect(shardsFor(1_000_000)).toBe(200);
    expect(shardsFor(50_000_000)).toBe(256);
  });
});

describe("reconnectWindowMs", () => {
  it("gives each shard at most 500 reconnects a second, between 1 s and 30 s", () => {
    expect(reconnectWindowMs(0, 1)).toBe(1_000);
    expect(reconnectWindowMs(500, 1)).toBe(1_000);
    expect(reconnectWindowMs(5_000, 1)).toBe(10_000);
    expect(reconnectWindowMs(5_000, 8)).toBe(1_250);
    expect(reconnectWindowMs(1_000_000, 100)).toBe(20_000);
    expect(reconnectWindowMs(10_000_000, 1)).toBe(30_000);
  });
});
