/** One winner's share of the prize pool, in integer cents. */
export interface PrizeShare {
  userId: string;
  cents: number;
}

export interface PrizeSplit {
  baseShareCents: number;
  /** How many winners get one cent more than the base share. */
  remainder: number;
  shares: PrizeShare[];
}

/**
 * Splits a pool exactly among the winners. Each gets floor(pool / n) cents; the remaining
 * (pool mod n) cents go one each to the first winners in ascending user-id order (code-unit
 * order, as SQLite and JavaScript sort strings), so the shares always sum to the pool and anyone
 * can recompute who got the extra cent.
 * @example splitPrize(100, ["b", "a", "c"]) // a: 34, b: 33, c: 33
 */
export function splitPrize(poolCents: number, winnerIds: readonly string[]): PrizeSplit {
  if (!Number.isSafeInteger(poolCents) || poolCents < 0) throw new RangeError(`bad pool ${poolCents}`);
  const n = winnerIds.length;
  if (n === 0) return { baseShareCents: 0, remainder: 0, shares: [] };
  const sorted = [...winnerIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const baseShareCents = Math.floor(poolCents / n);
  const remainder = poolCents - baseShareCents * n;
  const shares = sorted.map((userId, i) => ({ userId, cents: baseShareCents + (i < remainder ? 1 : 0) }));
  return { baseShareCents, remainder, shares };
}
