// Applies one settlement event to D1: its transfers through the ledger's idempotent posting, or a
// revival card's use or release through the same insert-then-trigger rule against the card's escrow
// (docs/settlement.md). Expected failures come back as values.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { activities, rains } from "../../schema/db";
import { postTransfers } from "../ledger/post";
import type { RELEASE_SOURCES } from "../../schema/ledger";
import type { RevivalCardEvent, RevivalReleaseEvent, SettlementEvent } from "../../schema/settlement";
import type { IssueCode } from "./issues";
import { type ActivityFunding, settlementPlan } from "./rules";

/** What applying one event did. `duplicate` and `posted` both mean the ledger now holds it exactly once. */
export type SettleOutcome =
  | { status: "posted" | "duplicate"; key: string; issues: Rejection[] }
  | ({ status: "rejected" } & Rejection);

/** An expected refusal, recorded as a settlement issue. */
export interface Rejection {
  code: IssueCode;
  key: string;
  detail: Record<string, unknown>;
}

/** Reads an activity's funding from D1, at most once per activity for the life of the loader. */
export function fundingLoader(d1: D1Database): (activityId: string) => Promise<ActivityFunding | null> {
  const cache = new Map<string, Promise<ActivityFunding | null>>();
  return (activityId) => {
    let found = cache.get(activityId);
    if (found === undefined) {
      found = loadFunding(d1, activityId);
      cache.set(activityId, found);
      // A failed read must not stick: the next message tries again.
      found.catch(() => cache.delete(activityId));
    }
    return found;
  };
}

async function loadFunding(d1: D1Database, activityId: string): Promise<ActivityFunding | null> {
  const db = drizzle(d1);
  const [rows, rainRows] = await db.batch([
    db.select({ pool: activities.prizePoolCents }).from(activities).where(eq(activities.id, activityId)),
    db
      .select({ idx: rains.idx, total: rains.totalCents })
      .from(rains)
      .where(eq(rains.activityId, activityId)),
  ]);
  const pool = rows[0]?.pool;
  if (pool === undefined) return null;
  const rainTotalsCents: number[] = [];
  for (const r of rainRows) rainTotalsCents[r.idx] = r.total;
  return { activityId, prizePoolCents: pool, rainTotalsCents };
}

/**
 * Reads the funding of every activity named, in one D1 batch of two statements whatever their
 * number (the ids travel as one JSON parameter). An activity D1 does not know is absent from the map.
 */
export async function loadFundings(
  d1: D1Database,
  activityIds: readonly string[],
): Promise<Map<string, ActivityFunding>> {
  const found = new Map<string, ActivityFunding>();
  if (activityIds.length === 0) return found;
  const ids = JSON.stringify(activityIds);
  const [pools, rainRows] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(
        "SELECT id, prize_pool_cents AS pool FROM activities WHERE id IN (SELECT value FROM json_each(?))",
      )
      .bind(ids),
    d1
      .prepare(
        "SELECT activity_id AS id, idx, total_cents AS total FROM rains WHERE activity_id IN (SELECT value FROM json_each(?))",
      )
      .bind(ids),
  ]);
  const totals = new Map<string, number[]>();
  for (const r of rainRows!.results as { id: string; idx: number; total: number }[]) {
    const list = totals.get(r.id) ?? [];
    list[r.idx] = r.total;
    totals.set(r.id, list);
  }
  for (const r of pools!.results as { id: string; pool: number }[]) {
    found.set(r.id, { activityId: r.id, prizePoolCents: r.pool, rainTotalsCents: totals.get(r.id) ?? [] });
  }
  return found;
}

/**
 * Applies `event` once, whatever the number of deliveries. Throws only on I/O failure (the caller
 * retries the message); every expected refusal is a `rejected` outcome.
 */
export async function applyEvent(
  d1: D1Database,
  event: SettlementEvent,
  funding: (activityId: string) => Promise<ActivityFunding | null>,
  nowMs: number,
): Promise<SettleOutcome> {
  const found = await funding(event.activityId);
  if (found === null) {
    return {
      status: "rejected",
      code: "UNKNOWN_ACTIVITY",
      key: event.key,
      detail: { activityId: event.activityId },
    };
  }
  const plan = settlementPlan(event, found);
  switch (plan.kind) {
    case "rejected":
      return { status: "rejected", code: plan.code, key: event.key, detail: { message: plan.message } };
    case "revival":
      return applyRevival(d1, plan.event, nowMs);
    case "release":
      return releaseEscrow(d1, plan.event, "room", nowMs);
    case "transfers": {
      const result = await postTransfers(d1, plan.transfers, nowMs);
      if (!result.ok) {
        return {
          status: "rejected",
          code: "INSUFFICIENT_FUNDS",
          key: event.key,
          detail: { message: result.message },
        };
      }
      const issues: Rejection[] = [];
      let status: "posted" | "duplicate" = "duplicate";
      for (const o of result.outcomes) {
        if (o.status === "conflict") {
          const own = o.key === event.key;
          const detail = { existing: o.existing, incoming: plan.transfers.find((t) => t.key === o.key) };
          if (own) return { status: "rejected", code: "KEY_CONFLICT", key: o.key, detail };
          // The pool was funded with another amount: the payment itself still stands.
          issues.push({ code: "FUNDING_CONFLICT", key: o.key, detail });
        } else if (o.status === "posted" && o.key === event.key) {
          status = "posted";
        }
      }
      return { status, key: event.key, issues };
    }
  }
}

interface RevivalRow {
  user_id: string;
  activity_id: string;
  question: number;
  count: number;
}

// An escrow of (user ?2, activity ?3) still holding `?count` cards: neither used nor given back.
const HELD = (count: string) =>
  `EXISTS (SELECT 1 FROM revival_escrows e WHERE e.user_id = ?2 AND e.activity_id = ?3 AND e.cards = ${count} ` +
  "AND NOT EXISTS (SELECT 1 FROM revival_card_uses u WHERE u.user_id = ?2 AND u.activity_id = ?3) " +
  "AND NOT EXISTS (SELECT 1 FROM revival_card_releases r WHERE r.user_id = ?2 AND r.activity_id = ?3 AND r.returned = 1))";

/**
 * Records the use once, `covered` when an escrow of (user, activity) still held the card. The card
 * left the user's balance when the escrow was taken, so nothing else moves; an uncovered use is
 * reported by reconciliation. Reads the row back to spot a conflict.
 */
async function applyRevival(d1: D1Database, e: RevivalCardEvent, nowMs: number): Promise<SettleOutcome> {
  const [inserted, readBack] = await d1.batch(revivalUseStatements(d1, e, nowMs));
  return revivalUseOutcome(e, inserted!, readBack!);
}

/** The two statements of a revival card use: the insert against the escrow, then its read-back. */
export function revivalUseStatements(
  d1: D1Database,
  e: RevivalCardEvent,
  nowMs: number,
): [D1PreparedStatement, D1PreparedStatement] {
  return [
    d1
      .prepare(
        "INSERT INTO revival_card_uses (key, user_id, activity_id, question, count, covered, created_at) " +
          `SELECT ?1, ?2, ?3, ?4, ?5, ${HELD("?5")}, ?6 WHERE 1 ` +
          "ON CONFLICT (key) DO NOTHING RETURNING covered",
      )
      .bind(e.key, e.userId, e.activityId, e.question, e.count, nowMs),
    d1
      .prepare("SELECT user_id, activity_id, question, count FROM revival_card_uses WHERE key = ?")
      .bind(e.key),
  ];
}

/** What `revivalUseStatements` did: posted (its insert returned a row), a duplicate, or a conflict. */
export function revivalUseOutcome(
  e: RevivalCardEvent,
  inserted: D1Result,
  readBack: D1Result,
): SettleOutcome {
  const posted = inserted.results[0] as { covered: number } | undefined;
  if (posted !== undefined) {
    if (posted.covered !== 1) console.warn("revival card use without an escrow", e.key);
    return { status: "posted", key: e.key, issues: [] };
  }
  const row = readBack.results[0] as RevivalRow | undefined;
  if (
    row !== undefined &&
    (row.user_id !== e.userId ||
      row.activity_id !== e.activityId ||
      row.question !== e.question ||
      row.count !== e.count)
  ) {
    return { status: "rejected", code: "KEY_CONFLICT", key: e.key, detail: { existing: row, incoming: e } };
  }
  return { status: "duplicate", key: e.key, issues: [] };
}

/**
 * Records the release once, `returned` when an escrow of (user, activity) still held the card: the
 * trigger `revival_card_releases_return` gives it back to the user's balance only then, so however
 * often the release is delivered (or also written by reconciliation, `source`), the card comes back
 * once, and never after it was used. Reads the row back to spot a conflict.
 */
export async function releaseEscrow(
  d1: D1Database,
  e: Omit<RevivalReleaseEvent, "kind">,
  source: (typeof RELEASE_SOURCES)[number],
  nowMs: number,
): Promise<SettleOutcome> {
  const [inserted, readBack] = await d1.batch(releaseStatements(d1, e, source, nowMs));
  return releaseOutcome(e, inserted!, readBack!);
}

/** The two statements of a release: the insert against the escrow, then its read-back. */
export function releaseStatements(
  d1: D1Database,
  e: Omit<RevivalReleaseEvent, "kind">,
  source: (typeof RELEASE_SOURCES)[number],
  nowMs: number,
): [D1PreparedStatement, D1PreparedStatement] {
  return [
    d1
      .prepare(
        "INSERT INTO revival_card_releases (key, user_id, activity_id, count, returned, source, created_at) " +
          `SELECT ?1, ?2, ?3, ?4, ${HELD("?4")}, ?5, ?6 WHERE 1 ` +
          "ON CONFLICT (key) DO NOTHING RETURNING returned",
      )
      .bind(e.key, e.userId, e.activityId, e.count, source, nowMs),
    d1.prepare("SELECT user_id, activity_id, count FROM revival_card_releases WHERE key = ?").bind(e.key),
  ];
}

/** What `releaseStatements` did: posted (its insert returned a row), a duplicate, or a conflict. */
export function releaseOutcome(
  e: Omit<RevivalReleaseEvent, "kind">,
  inserted: D1Result,
  readBack: D1Result,
): SettleOutcome {
  const posted = inserted.results[0] as { returned: number } | undefined;
  if (posted !== undefined) {
    if (posted.returned !== 1) console.warn("revival card release without a held escrow", e.key);
    return { status: "posted", key: e.key, issues: [] };
  }
  const row = readBack.results[0] as { user_id: string; activity_id: string; count: number } | undefined;
  if (
    row !== undefined &&
    (row.user_id !== e.userId || row.activity_id !== e.activityId || row.count !== e.count)
  ) {
    return { status: "rejected", code: "KEY_CONFLICT", key: e.key, detail: { existing: row, incoming: e } };
  }
  return { status: "duplicate", key: e.key, issues: [] };
}
