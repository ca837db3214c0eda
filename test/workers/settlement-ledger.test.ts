import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ISSUANCE, prizePoolAccount, userAccount } from "../../workers/ledger/accounts";
import { postTransfers } from "../../workers/ledger/post";
import type { Transfer } from "../../workers/ledger/transfer";
import { balance, driftedAccounts, sumOfBalances } from "./support/ledger";
import { uniqueId } from "./support/raw-client";

function fund(activityId: string, cents: number): Transfer {
  return {
    key: `fund:prize:${activityId}`,
    from: ISSUANCE,
    to: prizePoolAccount(activityId),
    amountCents: cents,
    kind: "fund_prize_pool",
    activityId,
    userId: null,
  };
}

function prize(activityId: string, userId: string, cents: number): Transfer {
  return {
    key: `prize:${activityId}:${userId}`,
    from: prizePoolAccount(activityId),
    to: userAccount(userId),
    amountCents: cents,
    kind: "prize",
    activityId,
    userId,
  };
}

describe("posting transfers", () => {
  it("posts once; the same key again moves nothing; other contents are a conflict that moves nothing", async () => {
    const a = uniqueId("led");
    const u = uniqueId("u");
    const first = await postTransfers(env.DB, [fund(a, 1_000), prize(a, u, 333)], 1);
    expect(first.ok && first.outcomes.map((o) => o.status)).toEqual(["posted", "posted"]);
    const again = await postTransfers(env.DB, [fund(a, 1_000), prize(a, u, 333)], 2);
    expect(again.ok && again.outcomes.map((o) => o.status)).toEqual(["duplicate", "duplicate"]);
    const other = await postTransfers(env.DB, [prize(a, u, 334)], 3);
    expect(other.ok && other.outcomes[0]).toMatchObject({
      status: "conflict",
      existing: { amountCents: 333 },
    });
    expect(await balance(userAccount(u))).toBe(333);
    expect(await balance(prizePoolAccount(a))).toBe(667);
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });

  it("refuses a debit over the balance and writes nothing of the batch", async () => {
    const a = uniqueId("led");
    const u = uniqueId("u");
    const result = await postTransfers(env.DB, [fund(a, 100), prize(a, u, 101)], 1);
    expect(result).toMatchObject({ ok: false, code: "INSUFFICIENT_FUNDS" });
    expect(await balance(prizePoolAccount(a))).toBe(0);
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM ledger_transfers WHERE activity_id = ?")
      .bind(a)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
  });

  it("refuses fractional, zero and negative cents before D1, and the CHECK refuses them in D1", async () => {
    const a = uniqueId("led");
    for (const cents of [0, -5, 1.5, Number.NaN]) {
      expect(await postTransfers(env.DB, [fund(a, cents)], 1)).toMatchObject({
        ok: false,
        code: "BAD_AMOUNT",
      });
    }
    await expect(
      env.DB.prepare(
        "INSERT INTO ledger_transfers (key, from_account, to_account, amount_cents, kind, created_at) VALUES (?, 'issuance', ?, 1.5, 'fund_prize_pool', 0)",
      )
        .bind(`fund:prize:${a}`, prizePoolAccount(a))
        .run(),
    ).rejects.toThrow(/ledger_transfers_amount_positive/);
  });

  it("keeps balances equal to the transfers when one is deleted by hand, and refuses edits", async () => {
    const a = uniqueId("led");
    const u = uniqueId("u");
    await postTransfers(env.DB, [fund(a, 500), prize(a, u, 200)], 1);
    await env.DB.prepare("DELETE FROM ledger_transfers WHERE key = ?").bind(`prize:${a}:${u}`).run();
    expect(await balance(userAccount(u))).toBe(0);
    expect(await balance(prizePoolAccount(a))).toBe(500);
    await expect(
      env.DB.prepare("UPDATE ledger_transfers SET amount_cents = 1 WHERE key = ?")
        .bind(`fund:prize:${a}`)
        .run(),
    ).rejects.toThrow(/immutable/);
    expect(await sumOfBalances()).toBe(0);
    expect(await driftedAccounts()).toEqual([]);
  });
});
