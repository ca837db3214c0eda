import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../db";

/** A user as the admin API returns it. */
export interface UserView {
  id: string;
  name: string;
  revivalCards: number;
  createdAtMs: number;
}

/**
 * The revival cards a user holds (not counting the ones rooms hold in escrow: schema/queries/revival.ts);
 * 0 for an unknown user (a viewer may play without an account row).
 * @example const cards = await loadRevivalCards(env.DB, claims.sub)
 */
export async function loadRevivalCards(d1: D1Database, userId: string): Promise<number> {
  const rows = await drizzle(d1)
    .select({ cards: users.revivalCards })
    .from(users)
    .where(eq(users.id, userId));
  return rows[0]?.cards ?? 0;
}

/** Creates the user, or replaces the name and card count of an existing one (keeping its creation time). */
export async function upsertUser(
  d1: D1Database,
  user: { id: string; name: string; revivalCards: number },
  nowMs: number,
): Promise<UserView> {
  const rows = await drizzle(d1)
    .insert(users)
    .values({ ...user, createdAt: nowMs })
    .onConflictDoUpdate({
      target: users.id,
      set: { name: sql`excluded.name`, revivalCards: sql`excluded.revival_cards` },
    })
    .returning({
      id: users.id,
      name: users.name,
      revivalCards: users.revivalCards,
      createdAtMs: users.createdAt,
    });
  const row = rows[0];
  if (row === undefined) throw new Error(`upsert of user ${user.id} returned no row`);
  return row;
}
