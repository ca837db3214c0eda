import { z } from "zod";
import { DIFFICULTIES } from "../../schema/bank";
import { ActivityInput } from "./activity";
import { text } from "./fields";
import { must } from "./messages";

const OPTIONS = "must be a list of 2 to 4 options";
const CORRECT = "must be the 0-based index of an option";
const TAG = "must be 1–32 characters, without , or ;";
const TAGS = "must be a list of at most 10 tags";
const DIFFICULTY = "must be easy, medium or hard";

/** A tag as stored: trimmed and in lower case, so that `Geo` and `geo ` are one tag. */
const Tag = z
  .string({ error: must(TAG) })
  .trim()
  .toLowerCase()
  .regex(/^[^,;]{1,32}$/, { error: TAG });

/**
 * One bank question, as `POST`/`PUT /api/admin/bank/questions` take it and as each row of an import
 * must read: `correct` is the 0-based index of an option (a CSV names it 1–4 or A–D, workers/bank/rows.ts).
 */
export const BankQuestionInput = z
  .strictObject(
    {
      text: text(500),
      options: z
        .array(text(200), { error: must(OPTIONS) })
        .min(2, { error: OPTIONS })
        .max(4, { error: OPTIONS }),
      correct: z
        .int({ error: must(CORRECT) })
        .min(0, { error: CORRECT })
        .max(3, { error: CORRECT }),
      tags: z
        .array(Tag, { error: must(TAGS) })
        .max(10, { error: TAGS })
        .default([])
        .transform((tags) => [...new Set(tags)]),
      difficulty: z.enum(DIFFICULTIES, { error: must(DIFFICULTY) }).default("medium"),
      source: z
        .string({ error: "must be a string of at most 200 characters" })
        .max(200, { error: "must be a string of at most 200 characters" })
        .default(""),
    },
    { error: must("must be an object { text, options, correct, tags?, difficulty?, source? }") },
  )
  .superRefine((q, ctx) => {
    if (q.correct >= q.options.length) {
      ctx.addIssue({
        code: "custom",
        path: ["correct"],
        input: q.correct,
        message: `must be the 0-based index of an option (0 to ${q.options.length - 1})`,
      });
    }
  });

/** A validated bank question. */
export type BankQuestionInput = z.output<typeof BankQuestionInput>;

/** Bank question ids are UUIDs. */
export const BankQuestionId = z
  .string({ error: must("must be a question id") })
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    error: "must be a question id",
  });

/** The path parameter of `/api/admin/bank/questions/:id`. */
export const BankQuestionParams = z.object({ id: BankQuestionId });

const LIMIT = "must be an integer from 1 to 200";
const OFFSET = "must be a non-negative integer";
/** `?q=&tag=&difficulty=&limit=&offset=` of the bank search. */
export const BankSearchQuery = z.object({
  q: z.string().max(200, { error: "must be at most 200 characters" }).optional(),
  tag: Tag.optional(),
  difficulty: z.enum(DIFFICULTIES, { error: DIFFICULTY }).optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, { error: LIMIT })
    .transform(Number)
    .refine((n) => n <= 200, { error: LIMIT })
    .default(50),
  offset: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,5})$/, { error: OFFSET })
    .transform(Number)
    .default(0),
});

/** Most characters of one import's file: well inside the 256 Ki body cap, with room for JSON escapes. */
export const MAX_IMPORT_CHARS = 200_000;

const CONTENT = `must be the file's text, at most ${MAX_IMPORT_CHARS} characters`;
/** The body of `POST /api/admin/bank/imports`: the file's text and its format (docs/question-bank.md). */
export const BankImportInput = z.strictObject(
  {
    format: z.enum(["csv", "json"], { error: must('must be "csv" or "json"') }),
    content: z
      .string({ error: must(CONTENT) })
      .min(1, { error: CONTENT })
      .max(MAX_IMPORT_CHARS, { error: CONTENT }),
  },
  { error: must("must be a JSON object { format, content }") },
);

const IDS = "must be a list of 1 to 50 distinct question ids";
/**
 * The body of `POST /api/admin/bank/activities`: an activity as `POST /api/admin/activities` takes it,
 * with bank question ids, in show order, in place of the questions.
 */
export const BankActivityInput = ActivityInput.omit({ questions: true }).extend({
  questionIds: z
    .array(BankQuestionId, { error: must(IDS) })
    .min(1, { error: IDS })
    .max(50, { error: IDS })
    .refine((ids) => new Set(ids).size === ids.length, { error: IDS }),
});

/** A validated assembly body. */
export type BankActivityInput = z.output<typeof BankActivityInput>;
