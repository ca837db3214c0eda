// Which of a shard's sent settlement events D1 holds: the health's settlement lag. The shard keeps,
// in memory, the point up to which every sent event was found applied, and checks only what follows.
import type { OutboxMark } from "../settlement/outbox-store";

/** Sent events checked in D1 per round, and rounds per health call. */
export const PROBE_LIMIT = 500;
export const PROBE_ROUNDS = 4;

/** What a check of sent events against D1 found. */
export interface ProbeResult {
  /** The last event of the unbroken run of applied ones from the start (the next check starts after it). */
  through: OutboxMark | null;
  /** Checked events D1 does not hold. */
  unapplied: number;
  /** When the oldest of them was written. */
  oldestUnappliedMs: number | null;
}

/**
 * Splits checked events (oldest first) by whether D1 applied them.
 *
 * @example confirmed([{ key: "a", createdMs: 1 }, { key: "b", createdMs: 2 }, { key: "c", createdMs: 3 }], new Set(["a", "c"]))
 * // → { through: { key: "a", createdMs: 1 }, unapplied: 1, oldestUnappliedMs: 2 }
 */
export function confirmed(probe: readonly OutboxMark[], applied: ReadonlySet<string>): ProbeResult {
  let through: OutboxMark | null = null;
  let unapplied = 0;
  let oldestUnappliedMs: number | null = null;
  for (const m of probe) {
    if (applied.has(m.key)) {
      if (unapplied === 0) through = m;
    } else {
      unapplied++;
      oldestUnappliedMs ??= m.createdMs;
    }
  }
  return { through, unapplied, oldestUnappliedMs };
}

/**
 * The keys D1 holds among `keys`: a payment's transfer, a revival card's use or release, or an issue
 * recorded for it (the consumer acknowledged it without applying). One statement, one parameter.
 */
export async function appliedKeys(db: D1Database, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { results } = await db
    .prepare(
      `SELECT j.value AS key FROM json_each(?1) AS j WHERE
         EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.key = j.value)
      OR EXISTS (SELECT 1 FROM revival_card_uses u WHERE u.key = j.value)
      OR EXISTS (SELECT 1 FROM revival_card_releases r WHERE r.key = j.value)
      OR EXISTS (SELECT 1 FROM settlement_issues i WHERE i.key = j.value)`,
    )
    .bind(JSON.stringify(keys))
    .all<{ key: string }>();
  return new Set(results.map((r) => r.key));
}
