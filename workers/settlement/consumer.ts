// The settlement Queue consumer. Each message is settled on its own and acknowledged on its own:
// applied or a duplicate → ack; an expected refusal (invalid body, key conflict, ...) → recorded as
// a settlement issue, then ack, so that a poison message never blocks the rest; an I/O failure →
// retry with backoff, and after max_retries the Queue moves it to the dead-letter queue, whose
// consumer below records it too. Queues deliver at least once: applying is idempotent.
import type { Env } from "../env";
import { applyEvent, fundingLoader } from "./apply";
import { parseSettlementEvent } from "../../schema/settlement";
import { bodyText, recordIssue, recordIssueStatement } from "./issues";

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
}

/**
 * The Worker's `queue` handler: settles a batch from the settlement queue, or records a batch of dead
 * letters. Acks or retries every message explicitly.
 */
export async function handleSettlementBatch(batch: MessageBatch<unknown>, env: Env): Promise<BatchReport> {
  if (batch.queue === SETTLEMENT_DLQ) return recordDeadLetters(batch, env);
  const report: BatchReport = { posted: 0, duplicates: 0, issues: 0, retried: 0 };
  const funding = fundingLoader(env.DB);
  for (const msg of batch.messages) {
    try {
      const now = Date.now();
      const parsed = parseSettlementEvent(msg.body);
      if (!parsed.ok) {
        await recordIssue(
          env.DB,
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
      const outcome = await applyEvent(env.DB, event, funding, now);
      const body = bodyText(msg.body);
      if (outcome.status === "rejected") {
        await recordIssue(
          env.DB,
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
          await recordIssue(env.DB, { ...issue, activityId: event.activityId, body }, now);
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
  return { posted: 0, duplicates: 0, issues: statements.length, retried: 0 };
}
