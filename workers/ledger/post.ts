// Posting transfers to D1. A posting is one atomic d1.batch(): INSERT ... ON CONFLICT (key) DO NOTHING
// per transfer, then a read-back of every key. Balances move in the AFTER INSERT trigger
// (migrations/0002_ledger_triggers.sql), so a key already present inserts nothing and moves nothing;
// the read-back tells a harmless duplicate from a key reused with other contents (a conflict).
import {
  type Transfer,
  type TransferKind,
  type TransferProblem,
  transferProblem,
  sameTransfer,
} from "./transfer";

/** What posting did with one transfer. */
export type PostingOutcome =
  | { key: string; status: "posted"; id: number }
  | { key: string; status: "duplicate" }
  | { key: string; status: "conflict"; existing: Transfer }
  /** Its guard was false (e.g. a withdrawal in another state): nothing inserted. */
  | { key: string; status: "skipped" };

/** The batch as a whole: applied (each transfer's outcome) or refused with nothing written. */
export type PostResult =
  | { ok: true; outcomes: PostingOutcome[] }
  | { ok: false; code: TransferProblem | "INSUFFICIENT_FUNDS"; key: string | null; message: string };

/** A SQL condition (and its parameters) that must hold for a transfer to be inserted. */
export interface Guard {
  sql: string;
  params: unknown[];
}

const TRANSFER_COLUMNS =
  "key, from_account, to_account, amount_cents, kind, activity_id, user_id, created_at";

/**
 * The INSERT of one transfer, a no-op for a key already posted. With a guard, only when it holds.
 * (The SELECT form needs its WHERE: without one SQLite would read ON CONFLICT as a join constraint.)
 */
export function insertTransfer(
  d1: D1Database,
  t: Transfer,
  nowMs: number,
  guard?: Guard,
): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${guard?.sql ?? "1"} ` +
        "ON CONFLICT (key) DO NOTHING RETURNING id",
    )
    .bind(
      t.key,
      t.from,
      t.to,
      t.amountCents,
      t.kind,
      t.activityId,
      t.userId,
      nowMs,
      ...(guard?.params ?? []),
    );
}

interface TransferRow {
  key: string;
  from_account: string;
  to_account: string;
  amount_cents: number;
  kind: TransferKind;
  activity_id: string | null;
  user_id: string | null;
}

/** Reads back the stored transfers with these keys (at most 99: D1 binds 100 parameters). */
export function selectTransfers(d1: D1Database, keys: readonly string[]): D1PreparedStatement {
  return d1
    .prepare(
      `SELECT key, from_account, to_account, amount_cents, kind, activity_id, user_id FROM ledger_transfers WHERE key IN (${keys.map(() => "?").join(", ")})`,
    )
    .bind(...keys);
}

/**
 * One INSERT for many transfers (any number: they travel as one JSON parameter, D1 binds at most
 * 100), inserted in their order (funding before the payments it funds), each a no-op for a key
 * already present; RETURNING the keys it really inserted. The same trigger moves the balances, row
 * by row, and a debit that would overdraw an account aborts the statement and its whole D1 batch.
 */
export function insertTransfersJson(
  d1: D1Database,
  transfers: readonly Transfer[],
  nowMs: number,
): D1PreparedStatement {
  const rows = transfers.map((t) => [t.key, t.from, t.to, t.amountCents, t.kind, t.activityId, t.userId]);
  return d1
    .prepare(
      `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS}) ` +
        "SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), " +
        "json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'), " +
        "json_extract(j.value, '$[6]'), ?2 FROM json_each(?1) j WHERE 1 ORDER BY j.key " +
        "ON CONFLICT (key) DO NOTHING RETURNING key",
    )
    .bind(JSON.stringify(rows), nowMs);
}

/** Reads back the stored transfers with these keys, any number of them (one JSON parameter). */
export function selectTransfersJson(d1: D1Database, keys: readonly string[]): D1PreparedStatement {
  return d1
    .prepare(
      "SELECT key, from_account, to_account, amount_cents, kind, activity_id, user_id FROM ledger_transfers " +
        "WHERE key IN (SELECT value FROM json_each(?))",
    )
    .bind(JSON.stringify(keys));
}

/** The transfers a read-back (`selectTransfers`, `selectTransfersJson`) found, by key. */
export function storedTransfers(readBack: D1Result): Map<string, Transfer> {
  return new Map((readBack.results as TransferRow[]).map((r) => [r.key, toTransfer(r)]));
}

function toTransfer(r: TransferRow): Transfer {
  return {
    key: r.key,
    from: r.from_account,
    to: r.to_account,
    amountCents: r.amount_cents,
    kind: r.kind,
    activityId: r.activity_id,
    userId: r.user_id,
  };
}

/** Sorts out each transfer from its INSERT's RETURNING rows and the read-back. */
export function classifyPostings(
  transfers: readonly Transfer[],
  inserted: readonly D1Result[],
  readBack: D1Result,
): PostingOutcome[] {
  const stored = storedTransfers(readBack);
  return transfers.map((t, i) => {
    const id = (inserted[i]?.results[0] as { id: number } | undefined)?.id;
    if (id !== undefined) return { key: t.key, status: "posted", id };
    const existing = stored.get(t.key);
    if (existing === undefined) return { key: t.key, status: "skipped" };
    return sameTransfer(existing, t)
      ? { key: t.key, status: "duplicate" }
      : { key: t.key, status: "conflict", existing };
  });
}

/** Whether a D1 error is the non-negative balance check: some debit would overdraw its account. */
export function isInsufficientFunds(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes("ledger_accounts_nonnegative")) return true;
  }
  return false;
}

/**
 * Posts transfers, and optional statements that must commit with them, in one atomic D1 batch.
 * Each transfer is posted, a duplicate (same key, same contents: nothing moves) or a conflict (same
 * key, other contents: nothing moves, the stored one is returned). A debit that would overdraw any
 * account but issuance refuses the whole batch: INSUFFICIENT_FUNDS, nothing written.
 * @example await postTransfers(env.DB, [{ key: "prize:q1:alice", from: "prize_pool:q1", to: "user:alice", amountCents: 500, kind: "prize", activityId: "q1", userId: "alice" }], Date.now())
 */
export async function postTransfers(
  d1: D1Database,
  transfers: readonly Transfer[],
  nowMs: number,
  options: { guards?: readonly (Guard | undefined)[]; before?: D1PreparedStatement[] } = {},
): Promise<PostResult> {
  if (transfers.length === 0 || transfers.length > 99)
    throw new RangeError(`post 1 to 99 transfers, not ${transfers.length}`);
  for (const t of transfers) {
    const problem = transferProblem(t);
    if (problem !== null)
      return { ok: false, code: problem, key: t.key, message: `transfer ${t.key}: ${problem}` };
  }
  const before = options.before ?? [];
  const inserts = transfers.map((t, i) => insertTransfer(d1, t, nowMs, options.guards?.[i]));
  try {
    const results = await d1.batch([
      ...before,
      ...inserts,
      selectTransfers(
        d1,
        transfers.map((t) => t.key),
      ),
    ]);
    const inserted = results.slice(before.length, before.length + inserts.length);
    return { ok: true, outcomes: classifyPostings(transfers, inserted, results[results.length - 1]!) };
  } catch (err) {
    if (isInsufficientFunds(err)) {
      return {
        ok: false,
        code: "INSUFFICIENT_FUNDS",
        key: null,
        message: "a debit would overdraw its account",
      };
    }
    throw err;
  }
}
