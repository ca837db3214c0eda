// Settling a whole Queue batch in one D1 batch: the pure half. `planBatch` decides, from the batch's
// events and their activities' funding, which transfers to insert (each key once, funding first) and
// which revival statements to run; `transferOutcome` reads each message's outcome back from what the
// D1 batch inserted and what the ledger holds. The consumer (consumer.ts) does the I/O.
import { sameTransfer, type Transfer, transferProblem } from "../ledger/transfer";
import type { RevivalCardEvent, RevivalReleaseEvent, SettlementEvent } from "../../schema/settlement";
import type { Rejection, SettleOutcome } from "./apply";
import { type ActivityFunding, settlementPlan } from "./rules";

/** What the batch does for one event, in the batch's order. */
export type BatchStep =
  /** Refused before D1 is written (unknown activity or rain): recorded as an issue. */
  | { kind: "rejected"; rejection: Rejection }
  /**
   * Transfers, funding first and the event's own last. `first`: the first event of the batch with
   * this key, whose own transfer is the one inserted (a later one is a duplicate or a conflict).
   */
  | { kind: "transfers"; transfers: Transfer[]; first: boolean }
  | { kind: "revival"; event: RevivalCardEvent }
  | { kind: "release"; event: RevivalReleaseEvent };

/** The batch's plan: one step per event, and every transfer to insert. */
export interface BatchPlan {
  steps: BatchStep[];
  /**
   * Each key once, every funding transfer before every payment (a budget is funded before it is
   * debited), payments in the order of their events.
   */
  transfers: Transfer[];
}

/**
 * Plans a batch of parsed events. `fundings` holds what D1 says about each known activity; an event
 * of another activity, or of a rain its activity lacks, is rejected as it would be alone.
 * Throws on a transfer that could never be posted (the parser and D1's checks make that a bug), so
 * the consumer settles that batch one message at a time instead.
 * @example planBatch([prizeEvent, prizeEvent], fundings).transfers.length // 2: the pool's funding and the prize, once each
 */
export function planBatch(
  events: readonly SettlementEvent[],
  fundings: ReadonlyMap<string, ActivityFunding>,
): BatchPlan {
  const steps: BatchStep[] = [];
  const funding = new Map<string, Transfer>();
  const payments = new Map<string, Transfer>();
  for (const event of events) {
    const found = fundings.get(event.activityId);
    if (found === undefined) {
      steps.push({
        kind: "rejected",
        rejection: { code: "UNKNOWN_ACTIVITY", key: event.key, detail: { activityId: event.activityId } },
      });
      continue;
    }
    const plan = settlementPlan(event, found);
    switch (plan.kind) {
      case "rejected":
        steps.push({
          kind: "rejected",
          rejection: { code: plan.code, key: event.key, detail: { message: plan.message } },
        });
        break;
      case "revival":
        steps.push({ kind: "revival", event: plan.event });
        break;
      case "release":
        steps.push({ kind: "release", event: plan.event });
        break;
      case "transfers": {
        for (const t of plan.transfers) {
          const problem = transferProblem(t);
          if (problem !== null) throw new Error(`transfer ${t.key} cannot be posted: ${problem}`);
        }
        const first = !payments.has(event.key);
        for (const t of plan.transfers) {
          if (t.key === event.key) {
            if (first) payments.set(t.key, t);
          } else if (!funding.has(t.key)) {
            funding.set(t.key, t);
          }
        }
        steps.push({ kind: "transfers", transfers: plan.transfers, first });
        break;
      }
    }
  }
  return { steps, transfers: [...funding.values(), ...payments.values()] };
}

/**
 * One event's outcome from the batch's results: `inserted`, the keys the INSERT really inserted;
 * `stored`, the ledger's transfers with the batch's keys, read back after the INSERT. Its own
 * transfer was posted if it was the one inserted, is a duplicate if the stored one has the same
 * contents, and a conflict (nothing moved) if not. A funding transfer stored with other contents is
 * a FUNDING_CONFLICT issue beside a payment that still stands. Throws if the key is not stored at
 * all (deleted meanwhile): the consumer then settles the batch one message at a time.
 */
export function transferOutcome(
  event: SettlementEvent,
  step: Extract<BatchStep, { kind: "transfers" }>,
  inserted: ReadonlySet<string>,
  stored: ReadonlyMap<string, Transfer>,
): SettleOutcome {
  const issues: Rejection[] = [];
  let own: Transfer | undefined;
  for (const t of step.transfers) {
    if (t.key === event.key) {
      own = t;
      continue;
    }
    const existing = stored.get(t.key);
    if (existing === undefined) throw new Error(`transfer ${t.key} is not in the ledger after its batch`);
    if (!sameTransfer(existing, t)) {
      issues.push({ code: "FUNDING_CONFLICT", key: t.key, detail: { existing, incoming: t } });
    }
  }
  if (own === undefined) throw new Error(`event ${event.key} has no transfer of its own`);
  const existing = stored.get(own.key);
  if (existing === undefined) throw new Error(`transfer ${own.key} is not in the ledger after its batch`);
  if (step.first && inserted.has(own.key)) return { status: "posted", key: own.key, issues };
  if (!sameTransfer(existing, own)) {
    return { status: "rejected", code: "KEY_CONFLICT", key: own.key, detail: { existing, incoming: own } };
  }
  return { status: "duplicate", key: own.key, issues };
}
