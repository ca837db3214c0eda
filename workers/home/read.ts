// The activity home's reads from D1: activities with their rain totals, the winners of an ended
// one from the ledger's prize transfers, and its replay's summary.
import { classifyActivity, type HomeSection, sectionOrder } from "./classify";

/** An activity as the home page lists it. */
export interface HomeActivity {
  id: string;
  title: string;
  status: "scheduled" | "live" | "ended";
  startAtMs: number;
  prizePoolCents: number;
  streamUrl: string;
  rainCount: number;
  rainTotalCents: number;
  rainPackets: number;
  questionCount: number;
}

const SELECT_HOME =
  "SELECT a.id, a.title, a.status, a.start_at AS startAtMs, a.prize_pool_cents AS prizePoolCents, " +
  "a.stream_url AS streamUrl, " +
  "(SELECT COUNT(*) FROM rains r WHERE r.activity_id = a.id) AS rainCount, " +
  "(SELECT COALESCE(SUM(r.total_cents), 0) FROM rains r WHERE r.activity_id = a.id) AS rainTotalCents, " +
  "(SELECT COALESCE(SUM(r.count), 0) FROM rains r WHERE r.activity_id = a.id) AS rainPackets, " +
  "(SELECT COUNT(*) FROM questions q WHERE q.activity_id = a.id) AS questionCount FROM activities a";

/** The home page's sections: each at most `limit` long, sorted the way a viewer reads it. */
export async function homeSections(
  d1: D1Database,
  nowMs: number,
  limit: number,
): Promise<Record<HomeSection, HomeActivity[]>> {
  const [live, upcoming, ended] = await d1.batch<HomeActivity>([
    d1.prepare(`${SELECT_HOME} WHERE a.status = 'live' ORDER BY a.start_at DESC, a.id LIMIT ?`).bind(limit),
    d1
      .prepare(`${SELECT_HOME} WHERE a.status = 'scheduled' ORDER BY a.start_at, a.id LIMIT ?`)
      .bind(limit * 4),
    d1.prepare(`${SELECT_HOME} WHERE a.status = 'ended' ORDER BY a.start_at DESC, a.id LIMIT ?`).bind(limit),
  ]);
  const sections: Record<HomeSection, HomeActivity[]> = { upcoming: [], live: [], ended: [] };
  for (const a of [...(live?.results ?? []), ...(upcoming?.results ?? []), ...(ended?.results ?? [])]) {
    const section = classifyActivity(a, nowMs);
    if (section !== null) sections[section].push(a);
  }
  for (const s of ["upcoming", "live", "ended"] as const)
    sections[s] = sections[s].sort(sectionOrder(s)).slice(0, limit);
  return sections;
}

/** One activity for the home page's detail view; null for an unknown id. */
export async function homeActivity(d1: D1Database, id: string): Promise<HomeActivity | null> {
  return d1.prepare(`${SELECT_HOME} WHERE a.id = ?`).bind(id).first<HomeActivity>();
}

/** A survivor's prize share as the ledger paid it. */
export interface Winner {
  userId: string;
  name: string | null;
  prizeCents: number;
}

/** The winners of an activity, from its prize transfers: most cents first (the remainder rule), ties by id. */
export async function activityWinners(d1: D1Database, activityId: string): Promise<Winner[]> {
  const { results } = await d1
    .prepare(
      "SELECT t.user_id AS userId, u.name AS name, t.amount_cents AS prizeCents FROM ledger_transfers t " +
        "LEFT JOIN users u ON u.id = t.user_id WHERE t.activity_id = ? AND t.kind = 'prize' " +
        "ORDER BY t.amount_cents DESC, t.user_id",
    )
    .bind(activityId)
    .all<Winner>();
  return results;
}

/** The user an activity's gifts go to, and the coins it received. */
export async function activityGiftTotals(
  d1: D1Database,
  activityId: string,
): Promise<{ gifts: number; coins: number }> {
  const row = await d1
    .prepare(
      "SELECT COALESCE(SUM(quantity), 0) AS gifts, COALESCE(SUM(amount_coins), 0) AS coins FROM coin_transfers WHERE activity_id = ? AND kind = 'gift'",
    )
    .bind(activityId)
    .first<{ gifts: number; coins: number }>();
  return { gifts: row?.gifts ?? 0, coins: row?.coins ?? 0 };
}
