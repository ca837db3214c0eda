// The SDK's danmaku, likes and gifts against the real room and Worker.
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchConnector, LiveroomClient } from "../../client/index";
import type { RoomNotification } from "../../client/codec";
import { COIN_ISSUANCE, coinAccount, postCoinTransfer } from "../../schema/queries/coins";
import { setActivityHost, upsertGift } from "../../schema/queries/gifts";
import { createActivity, token, uniqueId, hostActivity } from "./support/raw-client";

const fetcher = (url: string, init: RequestInit) => exports.default.fetch(url, init);
const clients: LiveroomClient[] = [];

async function join(activityId: string, userId: string, role: "viewer" | "host" = "viewer") {
  if (role === "host") await hostActivity(activityId, userId);
  const client = new LiveroomClient({
    token: await token(userId, role),
    connector: fetchConnector("http://liveroom.test", activityId, fetcher),
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
  });
  clients.push(client);
  expect((await client.connect()).ok).toBe(true);
  return client;
}

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe("the SDK's social side", () => {
  it("sends danmaku, likes and gifts and receives them as typed events", async () => {
    const a = await createActivity({ questions: [{ text: "q0", options: ["a", "b"], correct: 0 }] });
    const p = uniqueId("sdks");
    await upsertGift(env.DB, { id: "rose", name: "Rose", priceCoins: 10, enabled: true }, Date.now());
    await setActivityHost(env.DB, a.id, `${p}-host`, Date.now());
    await postCoinTransfer(
      env.DB,
      {
        key: `grant:${p}`,
        from: COIN_ISSUANCE,
        to: coinAccount(`${p}-fan`),
        amountCoins: 50,
        kind: "grant",
        activityId: null,
        userId: `${p}-fan`,
        giftId: null,
        quantity: null,
      },
      Date.now(),
    );
    const fan = await join(a.id, `${p}-fan`);
    const watcher = await join(a.id, `${p}-w`);
    const events: RoomNotification[] = [];
    for (const kind of ["danmakuTick", "likes", "giftShown"] as const)
      watcher.on(kind, (n) => events.push(n));

    const d = await fan.danmaku("  hello  ");
    expect(d).toEqual({ ok: true, id: 1, text: "hello", streamTsMs: 0 });
    const bad = await fan.danmaku("a\nb");
    expect(bad).toMatchObject({ ok: false, code: 402, codeName: "DANMAKU_BAD_CHARS" });
    expect((await fan.like(7)).ok).toBe(true);
    const g = await fan.gift("rose", 2);
    expect(g).toEqual({
      ok: true,
      giftId: "rose",
      quantity: 2,
      coins: 20,
      balanceCoins: 30,
      replayed: false,
    });
    expect(await fan.gift("rose", 5)).toMatchObject({ ok: false, codeName: "INSUFFICIENT_COINS" });
    expect(await fan.gifters()).toEqual({ ok: true, gifters: [{ rank: 1, userId: `${p}-fan`, coins: 20 }] });

    await vi.waitUntil(() => new Set(events.map((e) => e.kind)).size === 3, { timeout: 5_000 });
    expect(events.find((e) => e.kind === "danmakuTick")).toMatchObject({
      roomSeq: 0,
      items: [{ id: 1, userId: `${p}-fan`, text: "hello" }],
      dropped: 0,
    });
    expect(events.find((e) => e.kind === "likes")).toMatchObject({ roomSeq: 0, total: 7, added: 7 });
    expect(events.find((e) => e.kind === "giftShown")).toMatchObject({
      userId: `${p}-fan`,
      giftName: "Rose",
      quantity: 2,
      coins: 20,
      senderTotalCoins: 20,
    });
  });
});
