// Shared by the settlement-*.test.ts files: ledger figures read straight from D1, and deliveries of
// settlement messages to the Worker's real queue handler.
import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  type QueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../workers/index";
import { SETTLEMENT_QUEUE } from "../../../workers/settlement/consumer";

/** The sum of every balance in the ledger: zero, always. */
export async function sumOfBalances(): Promise<number> {
  const row = await env.DB.prepare("SELECT COALESCE(SUM(balance_cents), 0) AS s FROM ledger_accounts").first<{
    s: number;
  }>();
  return row?.s ?? 0;
}

/** An account's balance in cents (0 when it does not exist yet). */
export async function balance(accountId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT balance_cents AS b FROM ledger_accounts WHERE id = ?")
    .bind(accountId)
    .first<{ b: number }>();
  return row?.b ?? 0;
}

/** Every balance recomputed from the transfers, for accounts whose stored balance disagrees (must be none). */
export async function driftedAccounts(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT a.id FROM ledger_accounts a WHERE a.balance_cents <> " +
      "COALESCE((SELECT SUM(amount_cents) FROM ledger_transfers WHERE to_account = a.id), 0) - " +
      "COALESCE((SELECT SUM(amount_cents) FROM ledger_transfers WHERE from_account = a.id), 0)",
  ).all<{ id: string }>();
  return results.map((r) => r.id);
}

/** How many transfers carry each of these keys. */
export async function keyCounts(keys: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map(keys.map((k) => [k, 0]));
  for (let i = 0; i < keys.length; i += 90) {
    const chunk = keys.slice(i, i + 90);
    const { results } = await env.DB.prepare(
      `SELECT key, COUNT(*) AS n FROM ledger_transfers WHERE key IN (${chunk.map(() => "?").join(",")}) GROUP BY key`,
    )
      .bind(...chunk)
      .all<{ key: string; n: number }>();
    for (const r of results) counts.set(r.key, r.n);
  }
  return counts;
}

let messageCounter = 0;

/**
 * Delivers bodies to the Worker's queue handler as one batch (as the Queue would) with `handlerEnv`
 * (the real bindings unless a test wraps them), and returns which messages were acked or retried.
 */
export async function deliver(
  bodies: readonly unknown[],
  opts: { env?: Cloudflare.Env; attempts?: number; queue?: string } = {},
): Promise<QueueResult & { ids: string[] }> {
  const ids = bodies.map(() => `msg-${++messageCounter}`);
  const batch = createMessageBatch(
    opts.queue ?? SETTLEMENT_QUEUE,
    bodies.map((body, i) => ({ id: ids[i]!, timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, opts.env ?? env);
  return { ...(await getQueueResult(batch, ctx)), ids };
}
