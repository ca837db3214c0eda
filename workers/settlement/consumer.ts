// The settlement Queue consumer. A batch is settled with one D1 batch, and each message is
// acknowledged on its own: applied or a duplicate → ack; an expected refusal (invalid body, key
// conflict, ...) → recorded as a settlement issue, then ack, so that a poison message never blocks
// the rest. If the batch's D1 batch fails, its messages are settled one by one, and only those that
// fail alone (an I/O failure) are retried with backoff; after max_retries the Queue moves them to the
// dead-letter queue, whose consumer below records them too. Queues deliver at least once: applying
// is idempotent (docs/settlement.md).
import type { Env } from "../env";
import type { Transfer } from "../ledger/transfer";
import { selectTransfersJson, storedTransfers } from "../ledger/post";
import { parseSettlementEvent, type SettlementEvent } from "../../schema/settlement";
import {
  applyEvent,
  fundingLoader,
  fundingStatements,
  fundingsFrom,
  releaseOutcome,
  releaseStatements,
  revivalUseOutcome,
  revivalUseStatements,
  type SettleOutcome,
} from "./apply";
import { type BatchRow, planBatch, transferOutcome } from "./batch";
import { bodyText, type Issue, recordIssue, recordIssueStatement } from "./issues";

/** The queue rooms send to (wrangler.toml). */
export const SETTLEMENT_QUEUE = "liveroom-settlement";
/** Where the Queue moves messages that failed max_retries times (wrangler.toml). */
export const SETTLEMENT_DLQ = "liveroom-settlement-dlq";

/**
 * Seconds before a failed message is delivered again: 2, 4, 8, ... capped at 5 minutes.
 * @example retryDelaySeconds(1) // 2
 */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, Math.min(attempts, 9)));
}

/** What one batch did, for logs and tests. */
export interface BatchReport {
  posted: number;
  duplicates: number;
  issues: number;
  retried: number;
  /** Settled one message at a time, after the batch's one D1 batch failed (or the dead-letter queue). */
  oneByOne: boolean;
}

/**
 * The Worker's `queue` handler: settles a batch from the settlement queue, or records a batch of dead
 * letters. Acks or retries every message explicitly.
 *
 * A batch is settled with one D1 batch (`settleInOneBatch`). If that fails for any reason — D1
 * unavailable, its answer lost after it committed, one message whose debit would overdraw its
 * account and so rolls the whole D1 batch back — nothing has been acknowledged yet, and every
 * message is settled again on its own (`settleOneByOne`): what the D1 batch committed comes back as
 * duplicates, a poison message is recorded and acknowledged alone, and only the messages that fail
 * on their own are retried. No message waits on another, and none is applied twice.
 */
export async function handleSettlementBatch(batch: MessageBatch<unknown>, env: Env): Promise<BatchReport> {
  if (batch.queue === SETTLEMENT_DLQ) return recordDeadLetters(batch, env);
  try {
    return await settleInOneBatch(batch.messages, env.DB, Date.now());
  } catch (err) {
    console.error(
      "settlement batch failed; settling its messages one by one",
      batch.messages.length,
      String(err),
    );
    return settleOneByOne(batch.messages, env.DB);
  }
}

/**
 * Settles every message of a batch with one D1 batch: the issues known up front (invalid bodies), one
 * INSERT of every transfer (each key once, funding first, the funding amounts and the activities' and
 * rains' existence read by the INSERT itself), the revival statements, the read-back of every key and
 * of the activities' funding. Issues only the results reveal (unknown activities and rains, key and
 * funding conflicts) take one more D1 batch. Acknowledges every message only once all of that has
 * committed; throws on any failure, with nothing acknowledged.
 */
export async function settleInOneBatch(
  messages: readonly Message<unknown>[],
  d1: D1Database,
  nowMs: number,
): Promise<BatchReport> {
  const report: BatchReport = { posted: 0, duplicates: 0, issues: 0, retried: 0, oneByOne: false };
  const issues: D1PreparedStatement[] = [];
  const issue = (i: Issue): void => {
    console.warn("settlement issue", i.code, i.key, JSON.stringify(i.detail));
    issues.push(recordIssueStatement(d1, i, nowMs));
    report.issues += 1;
  };
  const events: { event: SettlementEvent; body: string }[] = [];
  for (const msg of messages) {
    const body = bodyText(msg.body);
    const parsed = parseSettlementEvent(msg.body);
    if (parsed.ok) events.push({ event: parsed.event, body });
    else issue({ code: parsed.code, key: null, activityId: null, detail: { message: parsed.message }, body });
  }
  const plan = planBatch(events.map((e) => e.event));

  const statements = [...issues];
  const insertAt = statements.length;
  if (plan.rows.length > 0) statements.push(insertBatchRows(d1, plan.rows, nowMs));
  const revivalAt: number[] = [];
  plan.steps.forEach((step, i) => {
    if (step.kind === "revival") {
      revivalAt[i] = statements.length;
      statements.push(...revivalUseStatements(d1, step.event, nowMs));
    } else if (step.kind === "release") {
      revivalAt[i] = statements.length;
      statements.push(...releaseStatements(d1, step.event, "room", nowMs));
    }
  });
  const readBackAt = statements.length;
  if (plan.rows.length > 0) {
    statements.push(
      selectTransfersJson(
        d1,
        plan.rows.map((r) => r.transfer.key),
      ),
    );
  }
  const fundingAt = statements.length;
  if (plan.activityIds.length > 0) statements.push(...fundingStatements(d1, plan.activityIds));
  const results = statements.length > 0 ? await d1.batch(statements) : [];

  const inserted = new Set<string>();
  let stored = new Map<string, Transfer>();
  if (plan.rows.length > 0) {
    for (const row of results[insertAt]!.results as { key: string }[]) inserted.add(row.key);
    stored = storedTransfers(results[readBackAt]!);
  }
  const fundings =
    plan.activityIds.length > 0 ? fundingsFrom(results[fundingAt]!, results[fundingAt + 1]!) : new Map();
  issues.length = 0;
  plan.steps.forEach((step, i) => {
    const { event, body } = events[i]!;
    let outcome: SettleOutcome;
    if (step.kind === "transfers") {
      outcome = transferOutcome(step, fundings, inserted, stored);
    } else if (!fundings.has(event.activityId)) {
      // Its statements inserted nothing (they require the activity): refused as it would be alone.
      outcome = {
        status: "rejected",
        code: "UNKNOWN_ACTIVITY",
        key: event.key,
        detail: { activityId: event.activityId },
      };
    } else if (step.kind === "revival") {
      outcome = revivalUseOutcome(step.event, results[revivalAt[i]!]!, results[revivalAt[i]! + 1]!);
    } else {
      outcome = releaseOutcome(step.event, results[revivalAt[i]!]!, results[revivalAt[i]! + 1]!);
    }
    if (outcome.status === "rejected") {
      issue({
        code: outcome.code,
        key: outcome.key,
        activityId: event.activityId,
        detail: outcome.detail,
        body,
      });
      return;
    }
    for (const found of outcome.issues) issue({ ...found, activityId: event.activityId, body });
    if (outcome.status === "posted") report.posted += 1;
    else report.duplicates += 1;
  });
  if (issues.length > 0) await d1.batch(issues);
  for (const msg of messages) msg.ack();
  return report;
}

/**
 * One INSERT of a whole batch's transfer rows (`planBatch`), in their order (funding first), each a
 * no-op for a key already present; RETURNING the keys it really inserted. The rows travel as one JSON
 * parameter (D1 binds at most 100). A row is inserted only if its activity exists and, for a rain's
 * funding or packet, that rain: the funding amounts are read from `activities` and `rains` by the
 * same statement, so the batch needs no read before it. The posting trigger moves the balances row by
 * row, and a debit that would overdraw an account aborts the statement and its whole D1 batch.
 */
export function insertBatchRows(
  d1: D1Database,
  rows: readonly BatchRow[],
  nowMs: number,
): D1PreparedStatement {
  const json = rows.map(({ transfer: t, amountFrom, rain }) => [
    t.key,
    t.from,
    t.to,
    t.amountCents,
    t.kind,
    t.activityId,
    t.userId,
    amountFrom,
    rain,
  ]);
  const at = (i: number) => `json_extract(j.value, '$[${i}]')`;
  return d1
    .prepare(
      "INSERT INTO ledger_transfers (key, from_account, to_account, amount_cents, kind, activity_id, user_id, created_at) " +
        `SELECT ${at(0)}, ${at(1)}, ${at(2)}, ` +
        `CASE ${at(7)} WHEN 'pool' THEN a.prize_pool_cents WHEN 'rain' THEN r.total_cents ELSE ${at(3)} END, ` +
        `${at(4)}, ${at(5)}, ${at(6)}, ?2 FROM json_each(?1) j ` +
        `JOIN activities a ON a.id = ${at(5)} ` +
        `LEFT JOIN rains r ON r.activity_id = a.id AND r.idx = ${at(8)} ` +
        `WHERE ${at(8)} IS NULL OR r.idx IS NOT NULL ORDER BY j.key ` +
        "ON CONFLICT (key) DO NOTHING RETURNING key",
    )
    .bind(JSON.stringify(json), nowMs);
}

/**
 * Settles each message on its own, one D1 batch each (the consumer's only path before batches were
 * settled whole, kept as the fallback and, in bench/, as the baseline), and acknowledges or retries
 * each on its own.
 */
export async function settleOneByOne(
  messages: readonly Message<unknown>[],
  d1: D1Database,
): Promise<BatchReport> {
  const report: BatchReport = { posted: 0, duplicates: 0, issues: 0, retried: 0, oneByOne: true };
  const funding = fundingLoader(d1);
  for (const msg of messages) {
    try {
      const now = Date.now();
      const parsed = parseSettlementEvent(msg.body);
      if (!parsed.ok) {
        await recordIssue(
          d1,
          {
            code: parsed.code,
            key: null,
            activityId: null,
            detail: { message: parsed.message },
            body: bodyText(msg.body),
          },
          now,
        );
        report.issues += 1;
        msg.ack();
        continue;
      }
      const { event } = parsed;
      const outcome = await applyEvent(d1, event, funding, now);
      const body = bodyText(msg.body);
      if (outcome.status === "rejected") {
        await recordIssue(
          d1,
          {
            code: outcome.code,
            key: outcome.key,
            activityId: event.activityId,
            detail: outcome.detail,
            body,
          },
          now,
        );
        report.issues += 1;
      } else {
        for (const issue of outcome.issues) {
          await recordIssue(d1, { ...issue, activityId: event.activityId, body }, now);
          report.issues += 1;
        }
        if (outcome.status === "posted") report.posted += 1;
        else report.duplicates += 1;
      }
      msg.ack();
    } catch (err) {
      console.error("settlement message failed; retrying", msg.id, msg.attempts, String(err));
      report.retried += 1;
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    }
  }
  return report;
}

/** Dead letters: each is recorded (DEAD_LETTER) and acknowledged; reconciliation re-sends what they carried. */
async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<BatchReport> {
  const now = Date.now();
  const statements = batch.messages.map((msg) => {
    const parsed = parseSettlementEvent(msg.body);
    return recordIssueStatement(
      env.DB,
      {
        code: "DEAD_LETTER",
        key: parsed.ok ? parsed.event.key : null,
        activityId: parsed.ok ? parsed.event.activityId : null,
        detail: { attempts: msg.attempts, messageId: msg.id },
        body: bodyText(msg.body),
      },
      now,
    );
  });
  try {
    if (statements.length > 0) await env.DB.batch(statements);
    console.error("settlement dead letters recorded", batch.messages.length);
    batch.ackAll();
  } catch (err) {
    console.error("recording dead letters failed; retrying", String(err));
    batch.retryAll({ delaySeconds: 60 });
  }
  return { posted: 0, duplicates: 0, issues: statements.length, retried: 0, oneByOne: true };
}
