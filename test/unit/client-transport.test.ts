import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import {
  ConnectError,
  decodeInbound,
  fetchConnector,
  LiveroomClient,
  liveroom,
  nodeConnector,
  roomUrl,
  type UpgradeResponse,
} from "../../client/index.js";
import { messageReader } from "../../client/transport.js";
import { encode, FakeSocket, okResponse } from "./client-fake-room.js";

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe("roomUrl", () => {
  it("builds the room path, switching http(s) to ws(s) and escaping", () => {
    expect(roomUrl("https://live.example.com/", "act 1", "a.b+c")).toBe(
      "wss://live.example.com/rooms/act%201/ws?token=a.b%2Bc",
    );
    expect(roomUrl("http://127.0.0.1:8787", "x")).toBe("ws://127.0.0.1:8787/rooms/x/ws");
    expect(roomUrl("ws://h", "x", "t")).toBe("ws://h/rooms/x/ws?token=t");
  });
});

describe("nodeConnector over a real ws server", () => {
  it("connects with ?token=, AUTHs over binary frames and sends the heartbeat as text", async () => {
    const wss = new WebSocketServer({ port: 0 });
    servers.push(wss);
    const seen: Array<{ url: string; binary: boolean; bytes: number[] }> = [];
    wss.on("connection", (ws, req) => {
      ws.on("message", (data: Buffer, isBinary) => {
        seen.push({ url: req.url ?? "", binary: isBinary, bytes: [...data] });
        if (!isBinary) {
          ws.send(data.toString(), { binary: false });
          return;
        }
        const f = liveroom.Frame.decode(data);
        ws.send(okResponse(f.type, f.seq, { welcome: { userId: "node-user", roomSeq: 4 } }));
        ws.send(
          encode({
            type: liveroom.Type.ROOM_OPENED,
            notification: { roomSeq: 5, roomOpened: { title: "t" } },
          }),
        );
      });
    });
    const { port } = wss.address() as AddressInfo;
    const client = new LiveroomClient({
      token: "jwt.x",
      heartbeatIntervalMs: 30,
      connector: nodeConnector(`http://127.0.0.1:${port}`, "act_1", WebSocket),
    });
    const opened = client.next("roomOpened", undefined, 2000);
    const hello = await client.connect();
    expect(hello.ok && hello.welcome.userId).toBe("node-user");
    expect((await opened).roomSeq).toBe(5);
    await expect.poll(() => seen.filter((s) => !s.binary).length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toMatchObject({ url: "/rooms/act_1/ws?token=jwt.x", binary: true });
    expect(seen.find((s) => !s.binary)!.bytes).toEqual([8, 1]);
    expect(client.state).toBe("open");
    expect(client.lastRoomSeq).toBe(5);
    client.close();
  });

  it("rejects with ConnectError when nothing listens", async () => {
    const wss = new WebSocketServer({ port: 0 });
    const { port } = wss.address() as AddressInfo;
    await new Promise((r) => wss.close(r));
    await expect(nodeConnector(`http://127.0.0.1:${port}`, "a", WebSocket)("t")).rejects.toBeInstanceOf(
      ConnectError,
    );
  });
});

describe("fetchConnector (workerd upgrade)", () => {
  it("upgrades over fetch with the token in the query, accepts the socket and asks for ArrayBuffers", async () => {
    const socket = Object.assign(new FakeSocket(), { binaryType: "blob", accepted: 0 });
    const calls: Array<[string, Record<string, string>]> = [];
    const connector = fetchConnector("http://x", "act_9", async (url, init) => {
      calls.push([url, init.headers]);
      return {
        status: 101,
        webSocket: Object.assign(socket, {
          accept() {
            socket.accepted++;
          },
        }),
        text: async () => "",
      } satisfies UpgradeResponse;
    });
    expect(await connector("tok")).toBe(socket);
    expect(calls).toEqual([["http://x/rooms/act_9/ws?token=tok", { Upgrade: "websocket" }]]);
    expect(socket.accepted).toBe(1);
    expect(socket.binaryType).toBe("arraybuffer");
  });

  it("turns a 401 upgrade into TOKEN_INVALID without reconnecting", async () => {
    const client = new LiveroomClient({
      token: "forged",
      connector: fetchConnector("http://x", "a", async () => ({
        status: 401,
        webSocket: null,
        text: async () => '{"error":{"code":100,"message":"token invalid"}}',
      })),
    });
    expect(await client.connect()).toEqual({
      ok: false,
      code: 100,
      codeName: "TOKEN_INVALID",
      message: 'upgrade refused: 401 {"error":{"code":100,"message":"token invalid"}}',
    });
    expect(client.state).toBe("closed");
  });
});

describe("messageReader", () => {
  it("delivers strings, ArrayBuffers, Buffers, views and Blobs in arrival order", async () => {
    const out: Array<string | number[]> = [];
    const read = messageReader((m) => out.push(typeof m === "string" ? m : [...m]));
    read(new Uint8Array([1, 2]).buffer);
    read(new Blob([new Uint8Array([3])]));
    read(Buffer.from([4, 5]));
    read("\x08\x01");
    read(new Uint8Array([9, 6, 7, 9]).subarray(1, 3));
    read([Buffer.from([8]), Buffer.from([9])]);
    read(42);
    await expect.poll(() => out.length).toBe(6);
    expect(out).toEqual([[1, 2], [3], [4, 5], "\x08\x01", [6, 7], [8, 9]]);
  });
});

describe("decodeInbound", () => {
  it("reads absent uint64 fields as 0 and large ones exactly, as plain numbers", () => {
    const absent = decodeInbound(
      encode({ type: liveroom.Type.GAME_OVER, notification: { roomSeq: 3, gameOver: { winners: 2 } } }),
    );
    expect(absent).toEqual({
      kind: "notification",
      type: liveroom.Type.GAME_OVER,
      notification: {
        kind: "gameOver",
        roomSeq: 3,
        prizePoolCents: 0,
        winners: 2,
        baseShareCents: 0,
        remainder: 0,
      },
    });
    const big = decodeInbound(
      encode({ type: liveroom.Type.PRIZE, notification: { roomSeq: 0, prize: { cents: 2 ** 40 + 7 } } }),
    );
    expect(big.kind === "notification" && big.notification).toEqual({
      kind: "prize",
      roomSeq: 0,
      cents: 2 ** 40 + 7,
    });
  });

  it("keeps notifications it does not know as 'unknown' so their number still counts", () => {
    expect(decodeInbound(encode({ type: 99, notification: { roomSeq: 8 } }))).toEqual({
      kind: "notification",
      type: 99,
      notification: { kind: "unknown", roomSeq: 8, type: 99 },
    });
  });

  it("reports bytes that are not a frame, bodiless frames and requests as invalid", () => {
    expect(decodeInbound(Uint8Array.of(0x0a, 0xff)).kind).toBe("invalid");
    expect(decodeInbound(encode({ type: 1 }))).toEqual({
      kind: "invalid",
      reason: "frame without a body (type 1)",
    });
    expect(decodeInbound(encode({ type: 2, request: { answer: {} } }))).toEqual({
      kind: "invalid",
      reason: "unexpected request frame from the room (type 2)",
    });
  });

  it("decodes a Welcome with its snapshots, sealed bytes as a plain Uint8Array", () => {
    const d = decodeInbound(
      okResponse(0, 1, {
        welcome: {
          userId: "u",
          role: liveroom.Role.VIEWER,
          roomSeq: 12,
          serverTimeMs: 1_700_000_000_123,
          room: {
            activityId: "a",
            title: "T",
            phase: liveroom.Phase.ASKING,
            questionCount: 5,
            current: {
              question: 2,
              text: "?",
              options: ["x", "y"],
              deadlineMs: 1_700_000_010_000,
              windowMs: 10_000,
              commitment: Uint8Array.from({ length: 32 }, (_, i) => i),
            },
            prizePoolCents: 100_000,
            online: 3,
          },
          player: {
            status: liveroom.PlayerStatus.PLAYING,
            revivalCards: 1,
            passed: 1,
            sealed: Uint8Array.of(7),
            pollChoice: -1,
          },
        },
      }),
    );
    expect(d.kind === "response" && d.response.result).toEqual({
      kind: "welcome",
      welcome: {
        userId: "u",
        role: 0,
        roomSeq: 12,
        serverTimeMs: 1_700_000_000_123,
        reconnectWindowMs: 0,
        shard: 0,
        room: {
          activityId: "a",
          title: "T",
          phase: 2,
          questionCount: 5,
          current: {
            question: 2,
            text: "?",
            options: ["x", "y"],
            deadlineMs: 1_700_000_010_000,
            windowMs: 10_000,
            streamTsMs: 0,
            questionCount: 0,
            commitment: Uint8Array.from({ length: 32 }, (_, i) => i),
            delayBudgetMs: 0,
          },
          lastReveal: undefined,
          prizePoolCents: 100_000,
          streamUrl: "",
          online: 3,
          gameOver: undefined,
          likes: 0,
          slowModeSeconds: 0,
        },
        player: {
          status: 1,
          revivalCards: 1,
          revivalUsed: false,
          passed: 1,
          sealed: Uint8Array.of(7),
          prizeCents: 0,
          grabbed: 0,
          pollChoice: -1,
        },
      },
    });
  });
});
