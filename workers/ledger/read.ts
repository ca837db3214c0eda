// Reads of the ledger for players: balance, history, leaderboards (drizzle over D1).
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../../schema/db";
import { ledgerAccounts, ledgerTransfers, withdrawals } from "../../schema/ledger";
import { userAccount } from "./accounts";

/** A player's money: what they may withdraw, what is on its way out, what they ever won. */
export interface BalanceView {
  userId: string;
  balanceCents: number;
  pendingWithdrawalCents: number;
  wonCents: number;
}

/** A player's balance; all zeros for a player the ledger has not paid yet. */
export async function balanceOf(d1: D1Database, userId: string): Promise<BalanceView> {
  const db = drizzle(d1);
  const [account, pending] = await db.batch([
    db
      .select({ balance: ledgerAccounts.balanceCents, won: ledgerAccounts.wonCents })
      .from(ledgerAccounts)
      .where(eq(ledgerAccounts.id, userAccount(userId))),
    db
      .select({ cents: sql<number>`COALESCE(SUM(${withdrawals.amountCents}), 0)` })
      .from(withdrawals)
      .where(and(eq(withdrawals.userId, userId), eq(withdrawals.status, "pending"))),
  ]);
  return {
    userId,
    balanceCents: account[0]?.balance ?? 0,
    pendingWithdrawalCents: Number(pending[0]?.cents ?? 0),
    wonCents: account[0]?.won ?? 0,
  };
}

/** One prize or red packet paid to the player. */
export interface HistoryItem {
  id: number;
  kind: "prize" | "red_packet";
  activityId: string | null;
  amountCents: number;
  atMs: number;
}

/**
 * The player's prizes and red packets, newest first, `limit` at a time; pass `nextCursor` back as
 * `cursor` for the next page (null on the last).
 */
export async function historyOf(
  d1: D1Database,
  userId: string,
  cursor: number | null,
  limit: number,
): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
  const rows = await drizzle(d1)
    .select({
      id: ledgerTransfers.id,
      kind: ledgerTransfers.kind,
      activityId: ledgerTransfers.activityId,
      amountCents: ledgerTransfers.amountCents,
      atMs: ledgerTransfers.createdAt,
    })
    .from(ledgerTransfers)
    .where(
      and(
        eq(ledgerTransfers.userId, userId),
        eq(ledgerTransfers.toAccount, userAccount(userId)),
        inArray(ledgerTransfers.kind, ["prize", "red_packet"]),
        cursor === null ? undefined : lt(ledgerTransfers.id, cursor),
      ),
    )
    .orderBy(desc(ledgerTransfers.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit) as HistoryItem[];
  return { items: page, nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
}

/** One row of a leaderboard: ranked by cents won, ties by user id. */
export interface LeaderboardRow {
  rank: number;
  userId: string;
  name: string | null;
  wonCents: number;
}

/** The top winners of one activity: prize shares and red packets together. */
export async function activityLeaderboard(
  d1: D1Database,
  activityId: string,
  limit: number,
): Promise<(LeaderboardRow & { prizeCents: number; redPacketCents: number })[]> {
  const won = sql<number>`SUM(${ledgerTransfers.amountCents})`;
  const rows = await drizzle(d1)
    .select({
      userId: sql<string>`${ledgerTransfers.userId}`,
      name: users.name,
      wonCents: won,
      prizeCents: sql<number>`SUM(CASE WHEN ${ledgerTransfers.kind} = 'prize' THEN ${ledgerTransfers.amountCents} ELSE 0 END)`,
      redPacketCents: sql<number>`SUM(CASE WHEN ${ledgerTransfers.kind} = 'red_packet' THEN ${ledgerTransfers.amountCents} ELSE 0 END)`,
    })
    .from(ledgerTransfers)
    .leftJoin(users, eq(users.id, ledgerTransfers.userId))
    .where(
      and(eq(ledgerTransfers.activityId, activityId), inArray(ledgerTransfers.kind, ["prize", "red_packet"])),
    )
    .groupBy(ledgerTransfers.userId)
    .orderBy(desc(won), ledgerTransfers.userId)
    .limit(limit);
  return rows.map((r, i) => ({ rank: i + 1, ...r }));
}

/** The top winners across all activities, from each account's running `won_cents`. */
export async function overallLeaderboard(d1: D1Database, limit: number): Promise<LeaderboardRow[]> {
  const rows = await drizzle(d1)
    .select({ id: ledgerAccounts.id, name: users.name, wonCents: ledgerAccounts.wonCents })
    .from(ledgerAccounts)
    .leftJoin(users, sql`${users.id} = substr(${ledgerAccounts.id}, 6)`)
    .where(and(eq(ledgerAccounts.kind, "user"), sql`${ledgerAccounts.wonCents} > 0`))
    .orderBy(desc(ledgerAccounts.wonCents), ledgerAccounts.id)
    .limit(limit);
  return rows.map((r, i) => ({
    rank: i + 1,
    userId: r.id.slice("user:".length),
    name: r.name,
    wonCents: r.wonCents,
  }));
}
