import { describe, expect, it } from "vitest";
import { liveroom } from "../../schema/proto";

describe("the generated protocol code", () => {
  it("encodes the heartbeat as the two ASCII bytes 0x08 0x01", () => {
    expect([...liveroom.Frame.encode({ type: -1 }).finish()]).toEqual([8, 1]);
  });

  it("decodes 64-bit fields, present or absent, as plain numbers", () => {
    const bytes = liveroom.Frame.encode({
      type: liveroom.Type.GAME_OVER,
      notification: { roomSeq: 1, gameOver: { winners: 1, baseShareCents: 2 ** 40 } },
    }).finish();
    const over = liveroom.Frame.decode(bytes).notification!.gameOver!;
    expect(over.prizePoolCents).toBe(0);
    expect(over.baseShareCents).toBe(2 ** 40);
  });

  it("writes plain Uint8Arrays, never Node Buffers", () => {
    const bytes = liveroom.Frame.encode({
      type: 0,
      seq: 1,
      request: { auth: { token: "x".repeat(300) } },
    }).finish();
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
  });
});
