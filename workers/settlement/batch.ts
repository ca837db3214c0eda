// Settling a whole Queue batch in one D1 batch: the pure half. `planBatch` decides, from the batch's
// events alone, which transfer rows to insert (each key once, funding first; the funding amounts and
// whether each activity and rain exists are left to D1, in the same statement) and which revival
// statements to run; `transferOutcome` reads each message's outcome back from what the D1 batch
// inserted and what the ledger holds. The consumer (consumer.ts) does the I/O.
import { sameTransfer, type Transfer, transferProblem } from "../ledger/transfer";
import type {
  PrizeEvent,
  RedPacketEvent,
  RevivalCardEvent,
  RevivalReleaseEvent,
  SettlementEvent,
} from "../../schema/settlement";
import type { Rejection, SettleOutcome } from "./apply";
import { paymentOf, prizePoolFunding, rainFunding, settlementPlan, type ActivityFunding } from "./rules";

/**
 * One transfer row of the batch's INSERT. `amountFrom`: the amount is the transfer's own (`event`),
 * or D1's, read in the same statement: the activity's prize pool (`pool`) or the total of rain
 * `rain` (`rain`). A row is inserted only if its activity exists and, when `rain` is set, that rain.
 */
export interface BatchRow {
  transfer: Transfer;
  amountFrom: "event" | "pool" | "rain";
  rain: number | null;
}

/** What the batch does for one event, in the batch's order. */
export type BatchStep =
  /**
   * A prize share or a red packet. `first`: the first event of the batch with this key, whose own
   * transfer is the one inserted (a later one is a duplicate or a conflict).
   */
  | { kind: "transfers"; event: PrizeEvent | RedPacketEvent; first: boolean }
  | { kind: "revival"; event: RevivalCardEvent }
  | { kind: "release"; event: RevivalReleaseEvent };

/** The batch's plan: one step per event, every row to insert, and the activities it names. */
export interface BatchPlan {
  steps: BatchStep[];
  /**
   * Each key once, every funding row before every payment (a budget is funded before it is
   * debited), payments in the order of their events.
   */
  rows: BatchRow[];
  activityIds: string[];
}

/**
 * Plans a batch of parsed events. Throws on a payment that could never be posted (the parser makes
 * that a bug), so the consumer settles that batch one message at a time instead.
 * @example planBatch([prizeEvent, prizeEvent]).rows.length // 2: the pool's funding and the prize, once each
 */
export function planBatch(events: readonly SettlementEvent[]): BatchPlan {
  const steps: BatchStep[] = [];
  const funding = new Map<string, BatchRow>();
  const payments = new Map<string, BatchRow>();
  const activityIds = new Set<string>();
  for (const event of events) {
    activityIds.add(event.activityId);
    switch (event.kind) {
      case "revival_card":
        steps.push({ kind: "revival", event });
        break;
      case "revival_release":
        steps.push({ kind: "release", event });
        break;
      case "prize":
      case "red_packet": {
        const payment = paymentOf(event);
        const problem = transferProblem(payment);
        if (problem !== null) throw new Error(`transfer ${payment.key} cannot be posted: ${problem}`);
        const rain = event.kind === "red_packet" ? event.rain : null;
        // The funding's amount is D1's, filled in by the INSERT: 0 here is never posted.
        const stub: ActivityFunding = {
          activityId: event.activityId,
          prizePoolCents: 0,
          rainTotalsCents: [],
        };
        const fund: BatchRow =
          rain === null
            ? { transfer: prizePoolFunding(stub), amountFrom: "pool", rain: null }
            : { transfer: rainFunding(stub, rain, 0), amountFrom: "rain", rain };
        if (!funding.has(fund.transfer.key)) funding.set(fund.transfer.key, fund);
        const first = !payments.has(payment.key);
        if (first) payments.set(payment.key, { transfer: payment, amountFrom: "event", rain });
        steps.push({ kind: "transfers", event, first });
        break;
      }
    }
  }
  return { steps, rows: [...funding.values(), ...payments.values()], activityIds: [...activityIds] };
}

/**
 * One prize share's or red packet's outcome from the batch's results: `fundings`, what D1 says
 * about the batch's activities (read in the same D1 batch); `inserted`, the keys the INSERT really
 * inserted; `stored`, the ledger's transfers with the batch's keys, read back after the INSERT.
 * An unknown activity or rain is refused as it would be alone (the INSERT skipped its rows). Its own
 * transfer was posted if it was the one inserted, is a duplicate if the stored one has the same
 * contents, and a conflict (nothing moved) if not. A funding transfer stored with other contents is
 * a FUNDING_CONFLICT issue beside a payment that still stands. Throws if a key is not stored at all
 * (deleted meanwhile): the consumer then settles the batch one message at a time.
 */
export function transferOutcome(
  step: Extract<BatchStep, { kind: "transfers" }>,
  fundings: ReadonlyMap<string, ActivityFunding>,
  inserted: ReadonlySet<string>,
  stored: ReadonlyMap<string, Transfer>,
): SettleOutcome {
  const { event } = step;
  const found = fundings.get(event.activityId);
  if (found === undefined) {
    return {
      status: "rejected",
      code: "UNKNOWN_ACTIVITY",
      key: event.key,
      detail: { activityId: event.activityId },
    };
  }
  const plan = settlementPlan(event, found);
  if (plan.kind === "rejected") {
    return { status: "rejected", code: plan.code, key: event.key, detail: { message: plan.message } };
  }
  if (plan.kind !== "transfers") throw new Error(`event ${event.key} is not a payment`);
  const issues: Rejection[] = [];
  let own: Transfer | undefined;
  for (const t of plan.transfers) {
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
