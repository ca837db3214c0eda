import { expect, it } from "vitest";
import { liveroom } from "../../schema/proto";
it("heartbeat encodes to 0x08 0x01", () => {
  expect([...liveroom.Frame.encode({ type: -1 }).finish()]).toEqual([8, 1]);
});
