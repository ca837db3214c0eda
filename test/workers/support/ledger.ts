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

/** How a D1 batch call fails: before anything is written, or after it committed (the answer is lost). */
export type Fault = "none" | "before" | "after";

/** `db` whose `batch()` fails as `fault()` says; everything else goes straight through. */
export function flakyDb(db: D1Database, fault: () => Fault): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const f = fault();
          if (f === "before") throw new Error("D1 unavailable (injected)");
          const results = await target.batch(statements);
          if (f === "after") throw new Error("D1 answer lost after commit (injected)");
          return results;
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Delivers batches to the real queue handler, each with D1 working or, when `failing`, failing every
 * write — alternately before and after committing, across the batches this deliverer sends. Answers
 * the messages of the batch the handler did not acknowledge (a Queue would deliver them again).
 */
export function batchDeliverer(): <T>(batch: T[], failing: boolean) => Promise<T[]> {
  let flip = false;
  return async (batch, failing) => {
    const handlerEnv = failing
      ? {
          ...env,
          DB: flakyDb(env.DB, () => {
            flip = !flip;
            return flip ? "before" : "after";
          }),
        }
      : env;
    const result = await deliver(batch, { env: handlerEnv });
    const acked = new Set(result.ackAll ? result.ids : result.explicitAcks);
    return batch.filter((_, i) => !acked.has(result.ids[i]!));
  };
}

/** What a simulated Queue did to deliver everything. */
export interface QueueRun {
  batches: number;
  deliveries: number;
  retries: number;
  failedBatches: number;
}

/**
 * A Queue in miniature, with the real consumer: delivers `bodies` (at least once) in batches of
 * `batchSize`, redelivering whatever the handler retried or left unacknowledged, until every message
 * is acked. `failBatch(n)` makes batch n see a D1 that fails every write (alternately before and
 * after committing); `duplicate(i)` sends message i a second time as its own message.
 */
export async function runQueue(
  bodies: readonly unknown[],
  opts: { batchSize: number; failBatch?: (n: number) => boolean; duplicate?: (i: number) => boolean },
): Promise<QueueRun> {
  let pending = bodies.flatMap((body, i) => (opts.duplicate?.(i) ? [body, body] : [body]));
  const run: QueueRun = { batches: 0, deliveries: 0, retries: 0, failedBatches: 0 };
  const send = batchDeliverer();
  while (pending.length > 0) {
    if (run.batches > 10_000) throw new Error("the queue never drained");
    const batch = pending.slice(0, opts.batchSize);
    pending = pending.slice(opts.batchSize);
    const failing = opts.failBatch?.(run.batches) ?? false;
    run.batches += 1;
    run.deliveries += batch.length;
    if (failing) run.failedBatches += 1;
    const unacked = await send(batch, failing);
    run.retries += unacked.length;
    pending.push(...unacked);
  }
  return run;
}
