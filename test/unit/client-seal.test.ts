import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { liveroom, sealOutcome, unseal, unsealOutcome } from "../../client/index.js";
import { sealPad } from "../../client/seal.js";

const key = Uint8Array.from({ length: 16 }, (_, i) => i * 17 + 3);

function expectedPad(k: Uint8Array, userId: string): number {
  return createHash("sha256").update(k).update(Buffer.from(userId, "utf8")).digest()[0]!;
}

describe("seal", () => {
  it("pads with the first byte of SHA-256(key ‖ utf8(user id)), checked against node:crypto", async () => {
    for (const user of ["u1", "user-2", "玩家", ""]) {
      expect(await sealPad(key, user)).toBe(expectedPad(key, user));
    }
  });

  it("round-trips every outcome, as one byte outcome XOR pad", async () => {
    for (const outcome of [liveroom.Outcome.CORRECT, liveroom.Outcome.REVIVED, liveroom.Outcome.OUT_WRONG]) {
      const sealed = await sealOutcome(outcome, key, "u42");
      expect([...sealed]).toEqual([outcome ^ expectedPad(key, "u42")]);
      expect(await unsealOutcome(sealed, key, "u42")).toBe(outcome);
      expect(await unseal(sealed, key, "u42")).toBe(outcome);
    }
  });

  it("seals the same outcome under the same key to different bytes for different users", async () => {
    const users = Array.from({ length: 32 }, (_, i) => `user-${i}`);
    const sealed = await Promise.all(users.map((u) => sealOutcome(liveroom.Outcome.CORRECT, key, u)));
    const distinct = new Set(sealed.map((s) => s[0]));
    expect(distinct.size).toBe(new Set(users.map((u) => expectedPad(key, u) ^ 1)).size);
    expect(distinct.size).toBeGreaterThan(16);
    // And for one user, before the key is known, the byte is spread over the keys: it gives nothing away.
    const keys = Array.from({ length: 64 }, (_, i) => Uint8Array.from(key, (b) => b ^ i));
    const perKey = await Promise.all(keys.map((k) => sealOutcome(liveroom.Outcome.CORRECT, k, "u1")));
    expect(new Set(perKey.map((s) => s[0])).size).toBe(new Set(keys.map((k) => expectedPad(k, "u1"))).size);
    expect(new Set(perKey.map((s) => s[0])).size).toBeGreaterThan(32);
  });

  it("does not open with another key or for another user", async () => {
    const sealed = await sealOutcome(liveroom.Outcome.CORRECT, key, "u1");
    const otherKey = Uint8Array.from(key, (b) => b ^ 0xff);
    expect(await unsealOutcome(sealed, otherKey, "u1")).toBe(
      1 ^ expectedPad(key, "u1") ^ expectedPad(otherKey, "u1"),
    );
    expect(await unsealOutcome(sealed, key, "u2")).toBe(1 ^ expectedPad(key, "u1") ^ expectedPad(key, "u2"));
  });

  it("maps anything but 1..3 to OUTCOME_UNKNOWN in unseal, and rejects a non-byte outcome", async () => {
    const garbage = Uint8Array.of(7 ^ expectedPad(key, "u1"));
    expect(await unsealOutcome(garbage, key, "u1")).toBe(7);
    expect(await unseal(garbage, key, "u1")).toBe(liveroom.Outcome.OUTCOME_UNKNOWN);
    expect(await unseal(new Uint8Array(0), key, "u1")).toBe(liveroom.Outcome.OUTCOME_UNKNOWN);
    await expect(sealOutcome(256, key, "u1")).rejects.toThrow(RangeError);
  });
});
