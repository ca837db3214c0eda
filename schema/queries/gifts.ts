// The gift catalog in D1 (admin-managed) and the activity hosts gifts are credited to.
import { asc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { activityHosts, gifts } from "../social";

/** A gift as the catalog sells it (D1 `gifts`, admin-managed): what a room prices a GIFT frame by. */
export interface CatalogGift {
  id: string;
  name: string;
  priceCoins: number;
}

/** A gift as the admin API shows it. */
export interface GiftView extends CatalogGift {
  enabled: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

const columns = {
  id: gifts.id,
  name: gifts.name,
  priceCoins: gifts.priceCoins,
  enabled: gifts.enabled,
  createdAtMs: gifts.createdAt,
  updatedAtMs: gifts.updatedAt,
};

/** Creates a gift or replaces its name, price and availability (keeping its creation time). */
export async function upsertGift(
  d1: D1Database,
  g: { id: string; name: string; priceCoins: number; enabled: boolean },
  nowMs: number,
): Promise<GiftView> {
  const rows = await drizzle(d1)
    .insert(gifts)
    .values({ ...g, createdAt: nowMs, updatedAt: nowMs })
    .onConflictDoUpdate({
      target: gifts.id,
      set: {
        name: sql`excluded.name`,
        priceCoins: sql`excluded.price_coins`,
        enabled: sql`excluded.enabled`,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning(columns);
  const row = rows[0];
  if (row === undefined) throw new Error(`upsert of gift ${g.id} returned no row`);
  return row;
}

/** The catalog by price then id; only the gifts that can be sent unless `all`. */
export async function listGifts(d1: D1Database, all: boolean): Promise<GiftView[]> {
  const db = drizzle(d1);
  const q = db.select(columns).from(gifts);
  return (all ? q : q.where(eq(gifts.enabled, true))).orderBy(asc(gifts.priceCoins), asc(gifts.id));
}

/** The catalog a room prices gifts with: enabled gifts by id. */
export async function loadCatalog(d1: D1Database): Promise<Map<string, CatalogGift>> {
  const rows = await listGifts(d1, false);
  return new Map(rows.map((g) => [g.id, { id: g.id, name: g.name, priceCoins: g.priceCoins }]));
}

/** Assigns the user an activity's gifts are credited to. */
export async function setActivityHost(
  d1: D1Database,
  activityId: string,
  hostId: string,
  nowMs: number,
): Promise<void> {
  await drizzle(d1)
    .insert(activityHosts)
    .values({ activityId, hostId, updatedAt: nowMs })
    .onConflictDoUpdate({ target: activityHosts.activityId, set: { hostId, updatedAt: nowMs } });
}

/** The user an activity's gifts go to, or null when none is assigned. */
export async function loadActivityHost(d1: D1Database, activityId: string): Promise<string | null> {
  const rows = await drizzle(d1)
    .select({ hostId: activityHosts.hostId })
    .from(activityHosts)
    .where(eq(activityHosts.activityId, activityId));
  return rows[0]?.hostId ?? null;
}
