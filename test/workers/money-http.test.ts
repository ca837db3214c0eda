import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rainPackets } from "../../durable-objects/features/rain/packets";
import { PAYOUTS, userAccount, WITHDRAWALS_IN_TRANSIT } from "../../workers/ledger/accounts";
import type { BalanceView, HistoryItem } from "../../workers/ledger/read";
import type { WithdrawalView } from "../../workers/withdrawals/rules";
import { claimPayout } from "../../workers/withdrawals/store";
import { call, tokenFor, uniqueId } from "./http-helpers";
import { questions, rainOf } from "./support/game";
import { balance, deliver, sumOfBalances } from "./support/ledger";
import { createActivity } from "./support/raw-client";

/** Pays `cents` to each user as the only prize of a fresh activity, through the consumer. */
async function pay(users: Record<string, number>): Promise<string> {
  const total = Object.values(users).reduce((a, b) => a + b, 0);
  const activity = await createActivity({ questions: questions(1), prizePoolCents: total });
  await deliver(
    Object.entries(users).map(([userId, amountCents]) => ({
      key: `prize:${activity.id}:${userId}`,
      kind: "prize",
      activityId: activity.id,
      userId,
      amountCents,
    })),
  );
  return activity.id;
}

async function withdraw(userId: string, key: string | null, body: unknown) {
  const headers = new Headers({
    Authorization: `Bearer ${await tokenFor("viewer", { sub: userId })}`,
    "Content-Type": "application/json",
  });
  if (key !== null) headers.set("Idempotency-Key", key);
  const res = await exports.default.fetch("http://liveroom.test/api/me/withdrawals", {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      withdrawal?: WithdrawalView;
      replayed?: boolean;
      error?: { code: string; field?: string };
    },
  };
}

async function me<T>(userId: string, path: string): Promise<{ status: number; body: T }> {
  return call<T>("GET", path, { token: await tokenFor("viewer", { sub: userId }) });
}

async function admin(path: string, body: unknown = {}) {
  return call<{ withdrawal?: WithdrawalView; error?: { code: string } }>("POST", path, {
    token: await tokenFor("admin"),
    body,
  });
}

describe("balance, history, leaderboards", () => {
  it("shows a player only their own money, history newest first in pages", async () => {
    const u = uniqueId("hist");
    const other = uniqueId("other");
    const a1 = await pay({ [u]: 700, [other]: 300 });
    const rain = rainOf(5, 2, "history");
    const packets = rainPackets(rain);
    const activity = await createActivity({
      questions: questions(1),
      prizePoolCents: 50,
      rains: [rain],
    });
    await deliver([
      {
        key: `prize:${activity.id}:${u}`,
        kind: "prize",
        activityId: activity.id,
        userId: u,
        amountCents: 50,
      },
      ...packets.map((cents, i) => ({
        key: `rain:${activity.id}:0:${i}`,
        kind: "red_packet",
        activityId: activity.id,
        userId: u,
        rain: 0,
        packetIndex: i,
        amountCents: cents,
      })),
    ]);
    const bal = await me<{ balance: BalanceView }>(u, "/api/me/balance");
    expect(bal).toEqual({
      status: 200,
      body: { balance: { userId: u, balanceCents: 755, pendingWithdrawalCents: 0, wonCents: 755 } },
    });

    const page1 = await me<{ items: HistoryItem[]; nextCursor: string | null }>(u, "/api/me/history?limit=3");
    expect(page1.body.items.map((i) => [i.kind, i.amountCents])).toEqual([
      ["red_packet", packets[1]],
      ["red_packet", packets[0]],
      ["prize", 50],
    ]);
    const page2 = await me<{ items: HistoryItem[]; nextCursor: string | null }>(
      u,
      `/api/me/history?limit=3&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body).toMatchObject({
      items: [{ kind: "prize", amountCents: 700, activityId: a1 }],
      nextCursor: null,
    });
    for (const bad of ["limit=0", "limit=101", "limit=x", "cursor=-1", "cursor=abc"]) {
      const res = await me<{ error: { code: string } }>(u, `/api/me/history?${bad}`);
      expect([bad, res.status, res.body.error.code]).toEqual([bad, 400, "VALIDATION_FAILED"]);
    }
    expect((await call("GET", "/api/me/balance")).status).toBe(401);
  });

  it("ranks the winners of one activity and overall, ties by user id", async () => {
    const p = uniqueId("lb");
    const a = await pay({ [`${p}-c`]: 900_000_000, [`${p}-a`]: 900_000_000, [`${p}-b`]: 5 });
    const res = await me<{ leaders: { rank: number; userId: string; wonCents: number }[] }>(
      `${p}-a`,
      `/api/leaderboards/activities/${a}?limit=2`,
    );
    expect(res.body.leaders.map((l) => [l.rank, l.userId, l.wonCents])).toEqual([
      [1, `${p}-a`, 900_000_000],
      [2, `${p}-c`, 900_000_000],
    ]);
    const overall = await me<{ leaders: { rank: number; userId: string; wonCents: number }[] }>(
      `${p}-b`,
      "/api/leaderboards/overall?limit=2",
    );
    expect(overall.body.leaders.map((l) => [l.rank, l.userId, l.wonCents])).toEqual([
      [1, `${p}-a`, 900_000_000],
      [2, `${p}-c`, 900_000_000],
    ]);
  });
});

describe("withdrawals", () => {
  it("refuses over the balance, negative, zero, fractional and missing amounts, and a missing key", async () => {
    const u = uniqueId("wd");
    await pay({ [u]: 1_000 });
    const over = await withdraw(u, "k1", { amountCents: 1_001 });
    expect(over).toMatchObject({ status: 409, body: { error: { code: "INSUFFICIENT_FUNDS" } } });
    for (const amountCents of [-1, 0, 10.5, "10", null]) {
      const res = await withdraw(u, `k-${String(amountCents)}`, { amountCents });
      expect(res).toMatchObject({
        status: 400,
        body: { error: { code: "VALIDATION_FAILED", field: "amountCents" } },
      });
    }
    expect(await withdraw(u, "k2", {})).toMatchObject({
      status: 400,
      body: { error: { field: "amountCents" } },
    });
    expect(await withdraw(u, null, { amountCents: 5 })).toMatchObject({
      status: 400,
      body: { error: { field: "Idempotency-Key" } },
    });
    expect(await withdraw(u, "k".repeat(101), { amountCents: 5 })).toMatchObject({ status: 400 });
    expect(await balance(userAccount(u))).toBe(1_000);
    // A player who never won has nothing to withdraw.
    expect((await withdraw(uniqueId("poor"), "k", { amountCents: 1 })).status).toBe(409);
  });

  it("answers a double submission with one key once, and refuses the key for another amount", async () => {
    const u = uniqueId("wd");
    await pay({ [u]: 1_000 });
    const first = await withdraw(u, "same", { amountCents: 400 });
    const again = await withdraw(u, "same", { amountCents: 400 });
    expect(first.status).toBe(201);
    expect(again).toMatchObject({
      status: 200,
      body: { replayed: true, withdrawal: { id: first.body.withdrawal!.id } },
    });
    expect(first.body.withdrawal).toMatchObject({ userId: u, amountCents: 400, status: "pending" });
    expect(await withdraw(u, "same", { amountCents: 500 })).toMatchObject({
      status: 409,
      body: { error: { code: "IDEMPOTENCY_KEY_REUSED" } },
    });
    expect(await balance(userAccount(u))).toBe(600);
    const list = await me<{ withdrawals: WithdrawalView[] }>(u, "/api/me/withdrawals");
    expect(list.body.withdrawals.map((w) => [w.amountCents, w.status])).toEqual([[400, "pending"]]);
    const bal = await me<{ balance: BalanceView }>(u, "/api/me/balance");
    expect(bal.body.balance).toMatchObject({ balanceCents: 600, pendingWithdrawalCents: 400 });
  });

  it("never overdraws under concurrent requests", async () => {
    const u = uniqueId("wd");
    await pay({ [u]: 10_000 });
    const distinct = await Promise.all(
      Array.from({ length: 8 }, (_, i) => withdraw(u, `c${i}`, { amountCents: 3_000 })),
    );
    expect(distinct.filter((r) => r.status === 201)).toHaveLength(3);
    expect(
      distinct.filter((r) => r.status === 409 && r.body.error?.code === "INSUFFICIENT_FUNDS"),
    ).toHaveLength(5);
    expect(await balance(userAccount(u))).toBe(1_000);

    const sameKey = await Promise.all(
      Array.from({ length: 6 }, () => withdraw(u, "one", { amountCents: 600 })),
    );
    expect(sameKey.filter((r) => r.status === 201)).toHaveLength(1);
    expect(sameKey.filter((r) => r.status === 200 && r.body.replayed)).toHaveLength(5);
    expect(new Set(sameKey.map((r) => r.body.withdrawal!.id)).size).toBe(1);
    expect(await balance(userAccount(u))).toBe(400);
    expect(await sumOfBalances()).toBe(0);
  });

  it("marks paid (money out) or failed (money back), each idempotent and final", async () => {
    const u = uniqueId("wd");
    await pay({ [u]: 1_000 });
    const inTransit0 = await balance(WITHDRAWALS_IN_TRANSIT);
    const payouts0 = await balance(PAYOUTS);
    const w1 = (await withdraw(u, "a", { amountCents: 300 })).body.withdrawal!;
    const w2 = (await withdraw(u, "b", { amountCents: 200 })).body.withdrawal!;
    expect(await balance(WITHDRAWALS_IN_TRANSIT)).toBe(inTransit0 + 500);

    const paid = await admin(`/api/admin/withdrawals/${w1.id}/paid`, { reference: "bank-001" });
    expect(paid).toMatchObject({
      status: 200,
      body: { withdrawal: { status: "paid", payoutReference: "bank-001" } },
    });
    expect((await admin(`/api/admin/withdrawals/${w1.id}/paid`)).body.withdrawal).toMatchObject({
      status: "paid",
    });
    expect(await admin(`/api/admin/withdrawals/${w1.id}/failed`)).toMatchObject({
      status: 409,
      body: { error: { code: "WITHDRAWAL_ALREADY_CLOSED" } },
    });

    const failed = await admin(`/api/admin/withdrawals/${w2.id}/failed`, { reason: "account closed" });
    expect(failed.body.withdrawal).toMatchObject({ status: "failed", failureReason: "account closed" });
    expect((await admin(`/api/admin/withdrawals/${w2.id}/failed`)).status).toBe(200);
    expect((await admin(`/api/admin/withdrawals/${w2.id}/paid`)).status).toBe(409);

    expect(await balance(userAccount(u))).toBe(700);
    expect(await balance(WITHDRAWALS_IN_TRANSIT)).toBe(inTransit0);
    expect(await balance(PAYOUTS)).toBe(payouts0 + 300);
    expect(await sumOfBalances()).toBe(0);

    // A payout under way (claimed, step not finished): "failed" would pay twice, so it is refused.
    const w3 = (await withdraw(u, "c", { amountCents: 100 })).body.withdrawal!;
    expect(await claimPayout(env.DB, w3.id, Date.now())).toBe(true);
    expect(await admin(`/api/admin/withdrawals/${w3.id}/failed`)).toMatchObject({
      status: 409,
      body: { error: { code: "WITHDRAWAL_IN_PAYOUT" } },
    });
    expect((await admin(`/api/admin/withdrawals/${w3.id}/paid`)).body.withdrawal).toMatchObject({
      status: "paid",
    });
    expect(await balance(userAccount(u))).toBe(600);
    expect(await balance(PAYOUTS)).toBe(payouts0 + 400);
    expect(await sumOfBalances()).toBe(0);

    expect((await admin("/api/admin/withdrawals/00000000-0000-0000-0000-000000000000/paid")).status).toBe(
      404,
    );
    const viewer = await call("POST", `/api/admin/withdrawals/${w1.id}/paid`, {
      token: await tokenFor("viewer", { sub: u }),
    });
    expect(viewer.status).toBe(403);
  });
});
