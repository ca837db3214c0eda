// Ledger account ids. The prefix before ':' is the account's kind (the posting trigger reads it),
// so an id alone says what an account is: `user:alice`, `prize_pool:quiz-1`, `issuance`.

/** Money the platform creates: funds prize pools and rain budgets; the only account that goes negative. */
export const ISSUANCE = "issuance";
/** Withdrawals requested and not yet paid or failed. */
export const WITHDRAWALS_IN_TRANSIT = "withdrawals_in_transit";
/** Money that left the platform through the payout step. */
export const PAYOUTS = "payouts";

/** A player's cash account. @example userAccount("alice") // "user:alice" */
export function userAccount(userId: string): string {
  return `user:${userId}`;
}

/** An activity's prize pool, funded from issuance and paid out as prize shares. */
export function prizePoolAccount(activityId: string): string {
  return `prize_pool:${activityId}`;
}

/** An activity's red-packet budget (all its rains), funded from issuance per rain. */
export function rainBudgetAccount(activityId: string): string {
  return `rain_budget:${activityId}`;
}
