import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { liveroom } from "../../schema/proto";

it("echoes a protobuf frame through a hibernatable DO, also after eviction", async () => {
  const res = await exports.default.fetch("http://x/rooms/r1/ws", { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.binaryType = "arraybuffer";
  ws.accept();
  const got: liveroom.Frame[] = [];
  ws.addEventListener("message", (e) => {
    got.push(liveroom.Frame.decode(new Uint8Array(e.data as ArrayBuffer)));
  });
  ws.send(
    liveroom.Frame.encode({ type: 2, seq: 7, request: { answer: { question: 0, option: 1 } } }).finish(),
  );
  await expect.poll(() => got.length).toBe(1);
  expect(got[0]!.seq).toBe(7);
  await evictDurableObject(env.LIVE_ROOM.get(env.LIVE_ROOM.idFromName("r1")));
  ws.send(liveroom.Frame.encode({ type: 2, seq: 8, request: {} }).finish());
  await expect.poll(() => got.length).toBe(2);
  expect(got[1]!.seq).toBe(8);
});
