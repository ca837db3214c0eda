import { describe, expect, it } from "vitest";
import { isSilent, replyCloseCode } from "../../../durable-objects/kernel/sockets";

describe("isSilent", () => {
  it("drops a socket after a minute without a heartbeat, counting from its connect when it never beat", () => {
    const att = { u: "u1", r: null, c: 10_000, x: 0 };
    expect(isSilent(att, 0, 70_000)).toBe(false);
    expect(isSilent(att, 0, 70_001)).toBe(true);
    expect(isSilent(att, 65_000, 120_000)).toBe(false);
    expect(isSilent(att, 65_000, 125_001)).toBe(true);
    expect(isSilent(null, 0, 60_000)).toBe(false);
    expect(isSilent(null, 0, 60_001)).toBe(true);
  });
});

describe("replyCloseCode", () => {
  it("answers a status-less Close (1005) with 1000, echoes real codes, and answers no dropped transport", () => {
    expect([1000, 1001, 1005, 1006, 1011, 1015, 4000].map(replyCloseCode)).toEqual([
      1000,
      1001,
      1000,
      null,
      1011,
      null,
      4000,
    ]);
  });
});
