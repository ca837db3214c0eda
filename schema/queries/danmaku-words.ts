// The danmaku filter's word list in D1: replaced as a whole by an admin, read by every room.
import { asc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { danmakuWords } from "../social";

/** The words, sorted. */
export async function loadDanmakuWords(d1: D1Database): Promise<string[]> {
  const rows = await drizzle(d1)
    .select({ word: danmakuWords.word })
    .from(danmakuWords)
    .orderBy(asc(danmakuWords.word));
  return rows.map((r) => r.word);
}

/** Replaces the list in one atomic batch (D1 binds 100 parameters: one statement per word). */
export async function replaceDanmakuWords(
  d1: D1Database,
  words: readonly string[],
  nowMs: number,
): Promise<void> {
  const db = drizzle(d1);
  const unique = [...new Set(words)];
  await db.batch([
    db.delete(danmakuWords),
    ...unique.map((word) => db.insert(danmakuWords).values({ word, createdAt: nowMs }).onConflictDoNothing()),
  ]);
}
