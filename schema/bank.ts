// D1 tables of the question bank (drizzle-orm): questions stored once, searched by tag and text, and
// copied into an activity when one is assembled from them (docs/question-bank.md). An activity never
// points back here: editing or deleting a bank question leaves every activity's own copy as it was.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** How hard a question is, as the producer rates it. */
export const DIFFICULTIES = ["easy", "medium", "hard"] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/**
 * One question of the bank. `options` is a JSON array of 2–4 strings, `tags` a JSON array in the order
 * given (the tag index below is what search reads). `text_key` is the text folded for comparison
 * (lower case, runs of white space as one space): a question is stored once, so it is unique.
 */
export const bankQuestions = sqliteTable(
  "bank_questions",
  {
    id: text("id").primaryKey(),
    text: text("text").notNull(),
    textKey: text("text_key").notNull(),
    options: text("options", { mode: "json" }).$type<string[]>().notNull(),
    correct: integer("correct").notNull(),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    difficulty: text("difficulty", { enum: DIFFICULTIES }).notNull(),
    source: text("source").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("bank_questions_text_key_idx").on(t.textKey),
    index("bank_questions_created_at_idx").on(t.createdAt),
    check(
      "bank_questions_correct_in_options",
      sql`${t.correct} >= 0 AND ${t.correct} < json_array_length(${t.options})`,
    ),
    check("bank_questions_difficulty", sql`${t.difficulty} IN ('easy', 'medium', 'hard')`),
  ],
);

/** The tag index of the bank: one row per (tag, question), rewritten with the question's `tags`. */
export const bankQuestionTags = sqliteTable(
  "bank_question_tags",
  {
    tag: text("tag").notNull(),
    questionId: text("question_id")
      .notNull()
      .references(() => bankQuestions.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.tag, t.questionId] }),
    index("bank_question_tags_question_idx").on(t.questionId),
  ],
);
