// Reconciliation: for each activity, read the room's record (RPC) and the ledger, compare them key by
// key, report every difference, and repair what is missing by asking the room to re-send those outbox
// rows. Nothing the room pays is ever posted from here: the ledger only learns what the room itself
// sends. Two exceptions, both for an ended game (docs/settlement.md): a revival-card escrow that no
// room will release (repair gives that card back, under the key the room would have used), and the
// leftover of its prize pool and rain budget once every payment is in (repair gives it back to
// issuance).
import { and, desc, gte, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { RoomSettlementEntry } from "../../durable-objects/features/settlement/record";
import { activities } from "../../schema/db";
import { loadActivityShards } from "../../schema/queries/activities";
import { shardObjectName } from "../../schema/shards";
import { revivalReleaseKey } from "../../schema/settlement";
import type { Env } from "../env";
import { prizePoolAccount, rainBudgetAccount } from "../ledger/accounts";
import { postTransfers } from "../ledger/post";
import { releaseEscrow } from "./apply";
import {
  type CardMove,
  compareRecords,
  type Difference,
  type EscrowFigures,
  type EscrowRow,
  escrowDifferences,
  escrowFigures,
  type LedgerEntry,
  type LeftoverState,
  leftoverState,
  type Totals,
  totalsOf,
} from "./reconcile";
import { leftoverReturns } from "./rules";

/** One activity's reconciliation. `ok` is true when the room and the ledger agree on every key. */
export interface ActivityReport {
  activityId: string;
  ok: boolean;
  room: Totals;
  ledger: Totals & {
    fundedPrizePoolCents: number;
    fundedRainBudgetCents: number;
    prizePoolLeftCents: number;
    rainBudgetLeftCents: number;
    /** Given back to issuance once the activity ended and settled (return transfers). */
    returnedPrizePoolCents: number;
    returnedRainBudgetCents: number;
  };
  differences: Difference[];
  /** Settlement issues recorded for this activity (messages acknowledged without being applied). */
  issues: { code: string; key: string | null; seenCount: number; detail: unknown }[];
  /** What the room was asked to re-send (null when repair was not asked for or nothing was missing). */
  repair: { resent: string[]; unknown: string[] } | null;
  /** The activity's revival-card escrows by state (held ones are normal while a game runs). */
  revivalEscrows: EscrowFigures;
  /** The release keys repair wrote for `revival_escrow_held` escrows (null: repair not asked, or none). */
  escrowRepair: { released: string[] } | null;
  /**
   * The leftover of the pool and the rain budget (`LeftoverState`, after this run), and the return
   * transfers this run posted (`return:prize:<activity>`, `return:rain:<activity>`).
   */
  leftover: { state: LeftoverState; returned: string[] };
}

/** The whole report: per activity, plus the ledger's own invariants. */
export interface ReconcileReport {
  checkedAtMs: number;
  activities: ActivityReport[];
  ledger: {
    /** Must be 0: every transfer moves the same cents out of one account and into another. */
    sumOfBalancesCents: number;
    /** Accounts whose balance is not the sum of their transfers (must be none). */
    driftedAccounts: { id: string; balanceCents: number; transfersCents: number }[];
  };
  /**
   * Escrows of any activity still held more than `RECONCILE_DAYS` after they were taken: an activity
   * that never ended (its operator must end it: END releases them), or an ended one no run looked
   * at. At most 100, oldest first; must be none.
   */
  staleEscrows: { activityId: string; userId: string; cards: number; takenAtMs: number }[];
  /** `returned`: the leftover return transfers this run posted, over all activities. */
  summary: { activities: number; differences: number; resent: number; returned: number };
}

/** Most activities one run reconciles (newest first); a cron run stays well within its limits. */
export const MAX_ACTIVITIES_PER_RUN = 200;
const DAY_MS = 86_400_000;

/**
 * The activities the cron reconciles: created in the last `days` days and due to have started, newest
 * first. Rooms of activities never opened answer an empty record, which the ledger matches.
 */
export async function activitiesToReconcile(d1: D1Database, nowMs: number, days: number): Promise<string[]> {
  const rows = await drizzle(d1)
    .select({ id: activities.id })
    .from(activities)
    .where(and(gte(activities.createdAt, nowMs - days * DAY_MS), lte(activities.startAt, nowMs)))
    .orderBy(desc(activities.createdAt))
    .limit(MAX_ACTIVITIES_PER_RUN);
  return rows.map((r) => r.id);
}

/** Every shard's outbox of the room (DESIGN §8): each shard writes its own players' rows. */
async function roomRecord(env: Env, activityId: string): Promise<RoomSettlementEntry[]> {
  const entries: RoomSettlementEntry[] = [];
  for (const stub of await roomShardStubs(env, activityId)) {
    let after: string | null = null;
    do {
      const page = await stub.settlementRecord(after);
      // A room that never loaded this activity has paid nothing for it.
      if (page.activityId !== null && page.activityId !== activityId) break;
      entries.push(...page.entries);
      after = page.nextAfterKey;
    } while (after !== null);
  }
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The stubs of every shard object of an activity's room, shard 0 (the coordinator) first. */
async function roomShardStubs(env: Env, activityId: string) {
  const n = (await loadActivityShards(env.DB, activityId)) ?? 1;
  return Array.from({ length: n }, (_, k) =>
    env.LIVE_ROOM.get(env.LIVE_ROOM.idFromName(shardObjectName(activityId, k))),
  );
}

/** Reconciliation's repair across shards: each key is re-sent by the shard that wrote it. */
async function resendOnShards(env: Env, activityId: string, keys: string[]) {
  const resent = new Set<string>();
  for (const stub of await roomShardStubs(env, activityId)) {
    for (const key of (await stub.resend(keys)).resent) resent.add(key);
  }
  return { resent: keys.filter((k) => resent.has(k)), unknown: keys.filter((k) => !resent.has(k)) };
}

interface LedgerRow {
  key: string;
  kind: LedgerEntry["kind"];
  user_id: string | null;
  amount_cents: number;
  count: number;
}

async function ledgerRecord(d1: D1Database, activityId: string): Promise<LedgerEntry[]> {
  const { results } = await d1
    .prepare(
      "SELECT key, kind, user_id, amount_cents, 0 AS count FROM ledger_transfers WHERE activity_id = ? AND kind IN ('prize', 'red_packet') " +
        "UNION ALL SELECT key, 'revival_card', user_id, 0, count FROM revival_card_uses WHERE activity_id = ? " +
        // Releases written by reconciliation's own repair are not the room's: they are in escrowFacts.
        "UNION ALL SELECT key, 'revival_release', user_id, 0, count FROM revival_card_releases WHERE activity_id = ? AND source = 'room'",
    )
    .bind(activityId, activityId, activityId)
    .all<LedgerRow>();
  return results.map((r) => ({
    key: r.key,
    kind: r.kind,
    userId: r.user_id,
    amountCents: r.amount_cents,
    count: r.count,
  }));
}

async function accountFigures(
  d1: D1Database,
  activityId: string,
): Promise<Omit<ActivityReport["ledger"], keyof Totals>> {
  const [moved, left] = await d1.batch<{ kind: string; cents: number }>([
    d1
      .prepare(
        "SELECT kind, COALESCE(SUM(amount_cents), 0) AS cents FROM ledger_transfers WHERE activity_id = ? " +
          "AND kind IN ('fund_prize_pool', 'fund_rain_budget', 'return_prize_pool', 'return_rain_budget') GROUP BY kind",
      )
      .bind(activityId),
    d1
      .prepare("SELECT kind, balance_cents AS cents FROM ledger_accounts WHERE id IN (?, ?)")
      .bind(prizePoolAccount(activityId), rainBudgetAccount(activityId)),
  ]);
  const pick = (rows: { kind: string; cents: number }[] | undefined, kind: string) =>
    rows?.find((r) => r.kind === kind)?.cents ?? 0;
  return {
    fundedPrizePoolCents: pick(moved?.results, "fund_prize_pool"),
    fundedRainBudgetCents: pick(moved?.results, "fund_rain_budget"),
    prizePoolLeftCents: pick(left?.results, "prize_pool"),
    rainBudgetLeftCents: pick(left?.results, "rain_budget"),
    returnedPrizePoolCents: pick(moved?.results, "return_prize_pool"),
    returnedRainBudgetCents: pick(moved?.results, "return_rain_budget"),
  };
}

/**
 * Gives an ended, settled activity's leftover pool and budget back to issuance: one keyed transfer
 * per account, each inserted only while its account still holds exactly that amount (a payment
 * landing meanwhile makes it a no-op, for the next run). Returns the keys really posted.
 */
async function returnLeftover(
  d1: D1Database,
  activityId: string,
  left: { prizePoolCents: number; rainBudgetCents: number },
  nowMs: number,
): Promise<string[]> {
  const transfers = leftoverReturns(activityId, left);
  if (transfers.length === 0) return [];
  const result = await postTransfers(d1, transfers, nowMs, {
    guards: transfers.map((t) => ({
      sql: "(SELECT balance_cents FROM ledger_accounts WHERE id = ?) = ?",
      params: [t.from, t.amountCents],
    })),
  });
  if (!result.ok) {
    console.error("returning a leftover failed", activityId, result.code, result.message);
    return [];
  }
  for (const o of result.outcomes) {
    if (o.status === "conflict")
      console.error("leftover return key already used otherwise", o.key, o.existing);
  }
  return result.outcomes.flatMap((o) => (o.status === "posted" ? [o.key] : []));
}

async function issuesOf(d1: D1Database, activityId: string): Promise<ActivityReport["issues"]> {
  const { results } = await d1
    .prepare(
      "SELECT code, key, seen_count, detail FROM settlement_issues WHERE activity_id = ? ORDER BY id LIMIT 100",
    )
    .bind(activityId)
    .all<{ code: string; key: string | null; seen_count: number; detail: string }>();
  return results.map((r) => ({
    code: r.code,
    key: r.key,
    seenCount: r.seen_count,
    detail: JSON.parse(r.detail) as unknown,
  }));
}

/** The activity's escrows, uses and releases (of every source), as escrowDifferences reads them. */
async function escrowFacts(
  d1: D1Database,
  activityId: string,
): Promise<{ escrows: EscrowRow[]; uses: CardMove[]; releases: CardMove[] }> {
  type Row = { key: string; user_id: string; count: number; taken_at: number; returned: number };
  const [escrows, uses, releases] = await d1.batch<Row>([
    d1
      .prepare("SELECT user_id, cards AS count, taken_at FROM revival_escrows WHERE activity_id = ?")
      .bind(activityId),
    d1.prepare("SELECT key, user_id, count FROM revival_card_uses WHERE activity_id = ?").bind(activityId),
    d1
      .prepare("SELECT key, user_id, count, returned FROM revival_card_releases WHERE activity_id = ?")
      .bind(activityId),
  ]);
  const move = (r: Row): CardMove => ({ key: r.key, userId: r.user_id, count: r.count });
  return {
    escrows: (escrows?.results ?? []).map((r) => ({
      userId: r.user_id,
      cards: r.count,
      takenAtMs: r.taken_at,
    })),
    uses: (uses?.results ?? []).map(move),
    releases: (releases?.results ?? []).map((r) => ({ ...move(r), returned: r.returned === 1 })),
  };
}

async function activityEnded(d1: D1Database, activityId: string): Promise<boolean> {
  const row = await d1
    .prepare("SELECT status FROM activities WHERE id = ?")
    .bind(activityId)
    .first<{ status: string }>();
  return row?.status === "ended";
}

/** Compares one activity's room with the ledger and, if asked, has the room re-send what the ledger misses. */
export async function reconcileActivity(
  env: Env,
  activityId: string,
  repair: boolean,
  nowMs: number,
): Promise<ActivityReport> {
  // Read before the room's record: D1 says "ended" only after the room committed its end, so every
  // release the room will ever write is already in the record read next.
  const ended = await activityEnded(env.DB, activityId);
  const [room, ledger, figuresRead, issues, facts] = await Promise.all([
    roomRecord(env, activityId),
    ledgerRecord(env.DB, activityId),
    accountFigures(env.DB, activityId),
    issuesOf(env.DB, activityId),
    escrowFacts(env.DB, activityId),
  ]);
  const roomUsers = new Set(
    room
      .filter((e) => (e.kind === "revival_card" || e.kind === "revival_release") && e.userId !== null)
      .map((e) => e.userId as string),
  );
  const differences = [
    ...compareRecords(room, ledger),
    ...escrowDifferences(activityId, { ...facts, roomUsers, ended }),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const missing = differences.filter((d) => d.type === "missing_in_ledger").map((d) => d.key);
  let repaired: ActivityReport["repair"] = null;
  if (repair && missing.length > 0) {
    repaired = await resendOnShards(env, activityId, missing);
  }
  let escrowRepair: ActivityReport["escrowRepair"] = null;
  const held = differences.flatMap((d) => (d.type === "revival_escrow_held" ? [d] : []));
  if (repair && held.length > 0) {
    const released: string[] = [];
    for (const d of held) {
      const key = revivalReleaseKey(activityId, d.userId);
      const e = { key, activityId, userId: d.userId, count: d.cards };
      const outcome = await releaseEscrow(env.DB, e, "reconcile", nowMs);
      if (outcome.status !== "rejected") released.push(key);
    }
    escrowRepair = { released };
  }
  let figures = figuresRead;
  const leftOf = (f: typeof figures) => ({
    prizePoolCents: f.prizePoolLeftCents,
    rainBudgetCents: f.rainBudgetLeftCents,
  });
  let returned: string[] = [];
  if (repair && leftoverState({ ended, differences, left: leftOf(figures) }) === "due") {
    returned = await returnLeftover(env.DB, activityId, leftOf(figures), nowMs);
    if (returned.length > 0) figures = await accountFigures(env.DB, activityId);
  }
  return {
    activityId,
    ok: differences.length === 0,
    room: totalsOf(room),
    ledger: { ...totalsOf(ledger), ...figures },
    differences,
    issues,
    repair: repaired,
    revivalEscrows: escrowFigures(facts),
    escrowRepair,
    leftover: { state: leftoverState({ ended, differences, left: leftOf(figures) }), returned },
  };
}

/** Escrows held (neither used nor given back) since before `beforeMs`, whatever their activity. */
async function staleEscrows(d1: D1Database, beforeMs: number): Promise<ReconcileReport["staleEscrows"]> {
  const { results } = await d1
    .prepare(
      "SELECT e.activity_id, e.user_id, e.cards, e.taken_at FROM revival_escrows e WHERE e.taken_at < ? " +
        "AND NOT EXISTS (SELECT 1 FROM revival_card_uses u WHERE u.user_id = e.user_id AND u.activity_id = e.activity_id) " +
        "AND NOT EXISTS (SELECT 1 FROM revival_card_releases r WHERE r.user_id = e.user_id AND r.activity_id = e.activity_id AND r.returned = 1) " +
        "ORDER BY e.taken_at LIMIT 100",
    )
    .bind(beforeMs)
    .all<{ activity_id: string; user_id: string; cards: number; taken_at: number }>();
  return results.map((r) => ({
    activityId: r.activity_id,
    userId: r.user_id,
    cards: r.cards,
    takenAtMs: r.taken_at,
  }));
}

async function ledgerInvariants(d1: D1Database): Promise<ReconcileReport["ledger"]> {
  const [sum, drift] = await d1.batch<Record<string, number | string>>([
    d1.prepare("SELECT COALESCE(SUM(balance_cents), 0) AS cents FROM ledger_accounts"),
    d1.prepare(
      "SELECT id, balance_cents, transfers_cents FROM (SELECT a.id, a.balance_cents, " +
        "COALESCE((SELECT SUM(amount_cents) FROM ledger_transfers WHERE to_account = a.id), 0) - " +
        "COALESCE((SELECT SUM(amount_cents) FROM ledger_transfers WHERE from_account = a.id), 0) AS transfers_cents " +
        "FROM ledger_accounts a) WHERE balance_cents <> transfers_cents LIMIT 100",
    ),
  ]);
  return {
    sumOfBalancesCents: Number(sum?.results[0]?.cents ?? 0),
    driftedAccounts: (drift?.results ?? []).map((r) => ({
      id: String(r.id),
      balanceCents: Number(r.balance_cents),
      transfersCents: Number(r.transfers_cents),
    })),
  };
}

/**
 * Reconciles the given activities (or, with none, the cron's choice) and checks the ledger's
 * invariants. With `repair`, missing keys are re-sent by their rooms (run again later to confirm),
 * and ended, settled activities give their leftover pool and rain budget back to issuance.
 */
export async function reconcile(
  env: Env,
  opts: { activityIds?: readonly string[]; repair: boolean; nowMs: number },
): Promise<ReconcileReport> {
  const days = Number(env.RECONCILE_DAYS ?? "14") || 14;
  const ids = opts.activityIds ?? (await activitiesToReconcile(env.DB, opts.nowMs, days));
  const reports: ActivityReport[] = [];
  // One room at a time: a cron run should not wake hundreds of rooms at once.
  for (const id of ids) reports.push(await reconcileActivity(env, id, opts.repair, opts.nowMs));
  return {
    checkedAtMs: opts.nowMs,
    activities: reports,
    ledger: await ledgerInvariants(env.DB),
    staleEscrows: await staleEscrows(env.DB, opts.nowMs - days * DAY_MS),
    summary: {
      activities: reports.length,
      differences: reports.reduce((n, r) => n + r.differences.length, 0),
      resent: reports.reduce((n, r) => n + (r.repair?.resent.length ?? 0), 0),
      returned: reports.reduce((n, r) => n + r.leftover.returned.length, 0),
    },
  };
}
