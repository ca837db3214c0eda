import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { bankQuestions, bankQuestionTags, type Difficulty } from "../bank";

/** A bank question as the admin API returns it. */
export interface BankQuestion {
  id: string;
  text: string;
  options: string[];
  correct: number;
  tags: string[];
  difficulty: Difficulty;
  source: string;
  createdAtMs: number;
  updatedAtMs: number;
}

/** What is stored of a question (the id and times are the bank's). */
export type BankQuestionFields = Pick<
  BankQuestion,
  "text" | "options" | "correct" | "tags" | "difficulty" | "source"
>;

/**
 * The text as questions are compared: lower case, white space runs as one space, trimmed. Two
 * questions with the same key are one question (the bank stores each once).
 * @example textKey("  Capital of  FRANCE? ") // "capital of france?"
 */
export function textKey(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

const columns = {
  id: bankQuestions.id,
  text: bankQuestions.text,
  options: bankQuestions.options,
  correct: bankQuestions.correct,
  tags: bankQuestions.tags,
  difficulty: bankQuestions.difficulty,
  source: bankQuestions.source,
  createdAtMs: bankQuestions.createdAt,
  updatedAtMs: bankQuestions.updatedAt,
};

// D1 binds at most 100 parameters per statement: 10 question rows (10 values each) or 50 tag rows.
const QUESTION_ROWS_PER_INSERT = 10;
const TAG_ROWS_PER_INSERT = 50;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Whether a D1 error (possibly wrapped by drizzle) is the bank's one-text-once index colliding. */
function isDuplicateText(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes("UNIQUE constraint failed: bank_questions.text_key")) return true;
  }
  return false;
}

/**
 * The bank questions whose folded text equals one of `texts`' (see `textKey`), by key: what an import
 * or an edit would collide with.
 */
export async function findByTextKeys(d1: D1Database, texts: readonly string[]): Promise<Map<string, string>> {
  const keys = [...new Set(texts.map(textKey))];
  const found = new Map<string, string>();
  const db = drizzle(d1);
  for (const part of chunks(keys, 90)) {
    const rows = await db
      .select({ id: bankQuestions.id, key: bankQuestions.textKey })
      .from(bankQuestions)
      .where(inArray(bankQuestions.textKey, part));
    for (const r of rows) found.set(r.key, r.id);
  }
  return found;
}

/**
 * Stores new questions and their tags in one D1 batch: all of them or, on any failure, none.
 * @returns the stored questions in the order given, or "duplicate" when a text is already in the bank
 * (another import raced past the caller's check) and nothing was written.
 */
export async function insertBankQuestions(
  d1: D1Database,
  questions: readonly BankQuestionFields[],
  nowMs: number,
): Promise<BankQuestion[] | "duplicate"> {
  const db = drizzle(d1);
  const stored: BankQuestion[] = questions.map((q) => ({
    id: crypto.randomUUID(),
    ...q,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  }));
  const rows = stored.map((q) => ({
    id: q.id,
    text: q.text,
    textKey: textKey(q.text),
    options: q.options,
    correct: q.correct,
    tags: q.tags,
    difficulty: q.difficulty,
    source: q.source,
    createdAt: nowMs,
    updatedAt: nowMs,
  }));
  const tagRows = stored.flatMap((q) => q.tags.map((tag) => ({ tag, questionId: q.id })));
  const inserts = [
    ...chunks(rows, QUESTION_ROWS_PER_INSERT).map((part) => db.insert(bankQuestions).values(part)),
    ...chunks(tagRows, TAG_ROWS_PER_INSERT).map((part) => db.insert(bankQuestionTags).values(part)),
  ];
  const [first, ...rest] = inserts;
  if (first === undefined) return [];
  try {
    await db.batch([first, ...rest]);
  } catch (err) {
    if (isDuplicateText(err)) return "duplicate";
    throw err;
  }
  return stored;
}

/**
 * Replaces a question's fields and tags in one batch. null for an unknown id; "duplicate" when the new
 * text is another question's (nothing written).
 */
export async function updateBankQuestion(
  d1: D1Database,
  id: string,
  q: BankQuestionFields,
  nowMs: number,
): Promise<BankQuestion | null | "duplicate"> {
  const db = drizzle(d1);
  const update = db
    .update(bankQuestions)
    .set({ ...q, textKey: textKey(q.text), updatedAt: nowMs })
    .where(eq(bankQuestions.id, id))
    .returning(columns);
  const clearTags = db.delete(bankQuestionTags).where(eq(bankQuestionTags.questionId, id));
  // Only for a question that exists: the tag index must never point at a missing one.
  const addTags = q.tags.map((tag) =>
    db.insert(bankQuestionTags).select(
      db
        .select({ tag: sql<string>`${tag}`.as("tag"), questionId: bankQuestions.id })
        .from(bankQuestions)
        .where(eq(bankQuestions.id, id)),
    ),
  );
  try {
    const [rows] = await db.batch([update, clearTags, ...addTags]);
    return rows[0] ?? null;
  } catch (err) {
    if (isDuplicateText(err)) return "duplicate";
    throw err;
  }
}

/** Deletes a question (its tags go with it); false for an unknown id. Activities keep their copies. */
export async function deleteBankQuestion(d1: D1Database, id: string): Promise<boolean> {
  const db = drizzle(d1);
  const [, deleted] = await db.batch([
    db.delete(bankQuestionTags).where(eq(bankQuestionTags.questionId, id)),
    db.delete(bankQuestions).where(eq(bankQuestions.id, id)).returning({ id: bankQuestions.id }),
  ]);
  return deleted.length > 0;
}

/** The questions with these ids, by id (unknown ids are absent). */
export async function getBankQuestions(
  d1: D1Database,
  ids: readonly string[],
): Promise<Map<string, BankQuestion>> {
  const db = drizzle(d1);
  const found = new Map<string, BankQuestion>();
  for (const part of chunks([...new Set(ids)], 90)) {
    const rows = await db.select(columns).from(bankQuestions).where(inArray(bankQuestions.id, part));
    for (const r of rows) found.set(r.id, r);
  }
  return found;
}

/** What a bank search matches; every given criterion must hold. */
export interface BankSearch {
  /** A piece of the text, compared folded (see `textKey`). */
  q?: string | undefined;
  tag?: string | undefined;
  difficulty?: Difficulty | undefined;
  limit: number;
  offset: number;
}

/** `%` and `_` are LIKE's wildcards: a search for "100%" means the characters. */
function likePattern(q: string): string {
  return `%${textKey(q).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/**
 * Bank questions matching `search`, newest first (an import's rows in file order), with how many match.
 * @example await searchBank(env.DB, { tag: "geography", q: "capital", limit: 50, offset: 0 })
 */
export async function searchBank(
  d1: D1Database,
  search: BankSearch,
): Promise<{ questions: BankQuestion[]; total: number }> {
  const db = drizzle(d1);
  const where: SQL[] = [];
  if (search.q !== undefined && search.q.trim() !== "") {
    where.push(sql`${bankQuestions.textKey} LIKE ${likePattern(search.q)} ESCAPE '\\'`);
  }
  if (search.tag !== undefined) {
    where.push(
      sql`EXISTS (SELECT 1 FROM ${bankQuestionTags} WHERE ${bankQuestionTags.tag} = ${search.tag} AND ${bankQuestionTags.questionId} = ${bankQuestions.id})`,
    );
  }
  if (search.difficulty !== undefined) where.push(eq(bankQuestions.difficulty, search.difficulty));
  const condition = where.length === 0 ? undefined : and(...where);
  const [questions, counted] = await db.batch([
    db
      .select(columns)
      .from(bankQuestions)
      .where(condition)
      .orderBy(desc(bankQuestions.createdAt), asc(sql`${bankQuestions}.rowid`))
      .limit(search.limit)
      .offset(search.offset),
    db.select({ n: sql<number>`count(*)` }).from(bankQuestions).where(condition),
  ]);
  return { questions, total: counted[0]?.n ?? 0 };
}

/** Every tag in the bank with how many questions carry it, most used first. */
export async function bankTags(d1: D1Database): Promise<{ tag: string; count: number }[]> {
  return drizzle(d1)
    .select({ tag: bankQuestionTags.tag, count: sql<number>`count(*)` })
    .from(bankQuestionTags)
    .groupBy(bankQuestionTags.tag)
    .orderBy(desc(sql`count(*)`), asc(bankQuestionTags.tag))
    .limit(500);
}
