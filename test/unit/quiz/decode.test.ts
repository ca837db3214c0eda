import { describe, expect, it } from "vitest";
import { decodeClientFrame, HEARTBEAT_TEXT, MAX_FRAME_BYTES } from "../../../durable-objects/protocol/decode";
import { liveroom } from "../../../schema/proto";

const bytes = (f: liveroom.Frame.$Properties) => {
  const u8 = liveroom.Frame.encode(f).finish();
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) as ArrayBuffer;
};

describe("decodeClientFrame", () => {
  it("decodes each request type into the union", () => {
    expect(
      decodeClientFrame(bytes({ type: 2, seq: 9, request: { answer: { question: 1, option: 3 } } })),
    ).toEqual({
      kind: "request",
      request: { type: 2, seq: 9, question: 1, option: 3, streamPosMs: 0 },
    });
    expect(
      decodeClientFrame(
        bytes({
          type: 2,
          seq: 10,
          request: { answer: { question: 1, option: 3, streamPosMs: 2_066_044_344 } },
        }),
      ),
    ).toEqual({
      kind: "request",
      request: { type: 2, seq: 10, question: 1, option: 3, streamPosMs: 2_066_044_344 },
    });
    expect(decodeClientFrame(bytes({ type: 0, seq: 1, request: { auth: { token: "t" } } }))).toEqual({
      kind: "request",
      request: { type: 0, seq: 1, token: "t" },
    });
  });

  it("knows the heartbeat as text and as binary", () => {
    expect(decodeClientFrame(HEARTBEAT_TEXT)).toEqual({ kind: "heartbeat" });
    expect(decodeClientFrame(bytes({ type: -1 }))).toEqual({ kind: "heartbeat" });
  });

  it.each([
    ["TEXT_FRAME", "hello"],
    ["TOO_LARGE", new ArrayBuffer(MAX_FRAME_BYTES + 1)],
    ["MALFORMED", Uint8Array.of(0x0a, 0xff, 0x01).buffer],
    ["MALFORMED", bytes({ type: 2, seq: 3, request: { grab: { rain: 0 } } })],
    ["MALFORMED", bytes({ type: 2, seq: 3, response: { status: 1 } })],
    ["UNKNOWN_TYPE", bytes({ type: 99, seq: 3, request: { answer: {} } })],
  ])("rejects with %s", (code, message) => {
    expect(decodeClientFrame(message)).toMatchObject({ kind: "error", code });
  });
});
