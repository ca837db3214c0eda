// The question bank's routes in the OpenAPI document, with the schemas of their answers; the workers
// tests validate real answers against the published JSON Schema (test/workers/http-bank.test.ts).
import { z } from "zod";
import { DIFFICULTIES } from "../../schema/bank";
import type { OperationDoc } from "./operation-doc";

/** A bank question as the API returns it (schema/queries/bank.ts `BankQuestion`). */
export const BankQuestionView = z.strictObject({
  id: z.string(),
  text: z.string(),
  options: z.array(z.string()).min(2).max(4),
  correct: z.int().min(0).max(3),
  tags: z.array(z.string()),
  difficulty: z.enum(DIFFICULTIES),
  source: z.string(),
  createdAtMs: z.int(),
  updatedAtMs: z.int(),
});

const One = z.strictObject({ question: BankQuestionView });
const NOT_FOUND = "QUESTION_NOT_FOUND: no such question in the bank";
const EXAMPLE = {
  text: "Capital of France?",
  options: ["Paris", "Rome", "Berlin", "Madrid"],
  correct: 0,
  tags: ["geography", "europe"],
  difficulty: "easy",
  source: "Atlas 2026",
};

export const BANK_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  "GET /api/admin/bank/questions": {
    summary: "Search the question bank",
    description:
      "Questions matching every given criterion — `q` a piece of the text (case and spacing ignored), `tag`, `difficulty` — newest first (an import's rows in file order); `total` counts every match.",
    ok: [
      {
        status: 200,
        description: "`{ questions, total }`",
        schema: z.strictObject({ questions: z.array(BankQuestionView), total: z.int().min(0) }),
      },
    ],
  },
  "POST /api/admin/bank/questions": {
    summary: "Add one question to the bank",
    description: "Tags are stored trimmed and in lower case; `difficulty` defaults to medium.",
    ok: [{ status: 201, description: "`{ question }`", schema: One }],
    errors: { 409: "QUESTION_EXISTS (`field: text`): the bank holds this text (case and spacing ignored)" },
    example: EXAMPLE,
  },
  "GET /api/admin/bank/questions/:id": {
    summary: "One question of the bank",
    ok: [{ status: 200, description: "`{ question }`", schema: One }],
    errors: { 404: NOT_FOUND },
  },
  "PUT /api/admin/bank/questions/:id": {
    summary: "Replace a question of the bank",
    description: "Activities assembled from it keep their own copy and do not change.",
    ok: [{ status: 200, description: "`{ question }`", schema: One }],
    errors: { 404: NOT_FOUND, 409: "QUESTION_EXISTS (`field: text`): another question has this text" },
    example: EXAMPLE,
  },
  "DELETE /api/admin/bank/questions/:id": {
    summary: "Delete a question of the bank",
    description: "Activities assembled from it keep their own copy.",
    ok: [
      { status: 200, description: "`{ deleted }`: the id", schema: z.strictObject({ deleted: z.string() }) },
    ],
    errors: { 404: NOT_FOUND },
  },
  "GET /api/admin/bank/tags": {
    summary: "The bank's tags, most used first",
    ok: [
      {
        status: 200,
        description: "`{ tags: [{ tag, count }] }` (500 at most)",
        schema: z.strictObject({ tags: z.array(z.strictObject({ tag: z.string(), count: z.int().min(1) })) }),
      },
    ],
  },
  "POST /api/admin/bank/imports": {
    summary: "Import questions from a CSV or JSON file",
    description:
      "Every row is validated; the file is stored in one D1 batch only when no row has a fault — nothing is half-imported. CSV: a header row with the columns text, option1–option4, correct (1–4 or A–D), tags (separated by ; or ,), difficulty, source. JSON: a list of questions as `POST /api/admin/bank/questions` takes them, or `{ questions: [...] }`. At most 1000 questions; a text already in the bank, or twice in the file, is a fault.",
    ok: [
      {
        status: 201,
        description: "`{ imported, questions }`",
        schema: z.strictObject({ imported: z.int().min(1), questions: z.array(BankQuestionView) }),
      },
    ],
    errors: {
      400: "IMPORT_INVALID (`field: content`): `error.rows` lists the faults as `{ row, line?, field, message }` (row 0: the file or its header; `line` for a CSV), the first 100",
      409: "QUESTION_EXISTS: another import stored one of these questions meanwhile; nothing was imported",
    },
    example: {
      format: "csv",
      content: "text,option1,option2,option3,correct,tags,difficulty\n2 + 2?,3,4,5,2,maths,easy\n",
    },
  },
  "POST /api/admin/bank/activities": {
    summary: "Assemble an activity from bank questions",
    description:
      "Takes what `POST /api/admin/activities` takes, with `questionIds` (in show order) in place of `questions`. The activity stores its own copy of each question: editing the bank never changes it.",
    ok: [{ status: 201, description: "`{ activity }`, as `POST /api/admin/activities` answers" }],
    errors: {
      400: "QUESTION_NOT_FOUND (`field: questionIds.<i>`): the bank holds no such question",
      409: "ACTIVITY_EXISTS (`field: id`): the id is taken",
    },
    example: {
      title: "Friday quiz",
      startAt: "2026-05-01T20:00:00Z",
      prizePoolCents: 100000,
      questionIds: ["00000000-0000-4000-8000-000000000000"],
    },
  },
};
