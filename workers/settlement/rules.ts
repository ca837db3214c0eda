// The posting rules: which transfers settle a room's event. Pure: the activity's funding comes in.
import { ISSUANCE, prizePoolAccount, rainBudgetAccount, userAccount } from "../ledger/accounts";
import type { Transfer } from "../ledger/transfer";
import type { SettlementEvent } from "../../schema/settlement";

/** What D1 says an activity is funded with: its prize pool and each rain's total, in cents. */
export interface ActivityFunding {
  activityId: string;
  prizePoolCents: number;
  rainTotalsCents: readonly number[];
}

/**
 * How to settle one event: transfers to post (funding first), a revival card use to record against
 * its escrow, an escrowed card to give back, or a refusal.
 */
export type SettlementPlan =
  | { kind: "transfers"; transfers: Transfer[] }
  | { kind: "revival"; event: Extract<SettlementEvent, { kind: "revival_card" }> }
  | { kind: "release"; event: Extract<SettlementEvent, { kind: "revival_release" }> }
  | { kind: "rejected"; code: "UNKNOWN_RAIN"; message: string };

/**
 * The funding of an activity's prize pool: issuance → pool, the pool's whole amount, keyed once per
 * activity. Posted in the same batch as every prize share, so the pool is funded when its room
 * first settles and never twice.
 */
export function prizePoolFunding(f: ActivityFunding): Transfer {
  return {
    key: `fund:prize:${f.activityId}`,
    from: ISSUANCE,
    to: prizePoolAccount(f.activityId),
    amountCents: f.prizePoolCents,
    kind: "fund_prize_pool",
    activityId: f.activityId,
    userId: null,
  };
}

/** The funding of one rain: issuance → the activity's red-packet budget, the rain's total, keyed per rain. */
export function rainFunding(f: ActivityFunding, rain: number, totalCents: number): Transfer {
  return {
    key: `fund:rain:${f.activityId}:${rain}`,
    from: ISSUANCE,
    to: rainBudgetAccount(f.activityId),
    amountCents: totalCents,
    kind: "fund_rain_budget",
    activityId: f.activityId,
    userId: null,
  };
}

/**
 * The plan for one event: a prize share is pool → player, a red packet is budget → player (each
 * preceded by the idempotent funding of its source), a revival card's use or release is no money at all.
 * @example settlementPlan({ key: "prize:q:al", kind: "prize", activityId: "q", userId: "al", amountCents: 5 }, funding)
 * // → transfers [fund:prize:q issuance → prize_pool:q, prize:q:al prize_pool:q → user:al 5]
 */
export function settlementPlan(event: SettlementEvent, funding: ActivityFunding): SettlementPlan {
  switch (event.kind) {
    case "prize":
      return {
        kind: "transfers",
        transfers: [
          prizePoolFunding(funding),
          {
            key: event.key,
            from: prizePoolAccount(event.activityId),
            to: userAccount(event.userId),
            amountCents: event.amountCents,
            kind: "prize",
            activityId: event.activityId,
            userId: event.userId,
          },
        ],
      };
    case "red_packet": {
      const total = funding.rainTotalsCents[event.rain];
      if (total === undefined) {
        return { kind: "rejected", code: "UNKNOWN_RAIN", message: `activity has no rain ${event.rain}` };
      }
      return {
        kind: "transfers",
        transfers: [
          rainFunding(funding, event.rain, total),
          {
            key: event.key,
            from: rainBudgetAccount(event.activityId),
            to: userAccount(event.userId),
            amountCents: event.amountCents,
            kind: "red_packet",
            activityId: event.activityId,
            userId: event.userId,
          },
        ],
      };
    }
    case "revival_card":
      return { kind: "revival", event };
    case "revival_release":
      return { kind: "release", event };
  }
}

/** What an activity's pool and rain budget still hold, in cents (their ledger balances). */
export interface Leftover {
  prizePoolCents: number;
  rainBudgetCents: number;
}

/**
 * The transfers that give an ended activity's leftover back to issuance: pool → issuance and
 * budget → issuance, each keyed once per activity and only for a positive amount. Posted only once
 * every payment the room wrote is in the ledger (reconciliation, `leftoverState`), each guarded by
 * its account still holding exactly that amount.
 * @example leftoverReturns("q", { prizePoolCents: 0, rainBudgetCents: 13 })
 * // → [return:rain:q rain_budget:q → issuance 13]
 */
export function leftoverReturns(activityId: string, left: Leftover): Transfer[] {
  const out: Transfer[] = [];
  if (left.prizePoolCents > 0) {
    out.push({
      key: `return:prize:${activityId}`,
      from: prizePoolAccount(activityId),
      to: ISSUANCE,
      amountCents: left.prizePoolCents,
      kind: "return_prize_pool",
      activityId,
      userId: null,
    });
  }
  if (left.rainBudgetCents > 0) {
    out.push({
      key: `return:rain:${activityId}`,
      from: rainBudgetAccount(activityId),
      to: ISSUANCE,
      amountCents: left.rainBudgetCents,
      kind: "return_rain_budget",
      activityId,
      userId: null,
    });
  }
  return out;
}
