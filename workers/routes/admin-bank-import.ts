import { findByTextKeys, insertBankQuestions, textKey } from "../../schema/queries/bank";
import { fault, importRows, MAX_REPORTED_FAULTS, type RowFault } from "../bank/rows";
import { ApiError } from "../http/errors";
import type { RouteHandler } from "../http/route";
import type { BankImportInput } from "../input/bank";

/** 400 IMPORT_INVALID: the error shape of the API, with every fault by row and field in `rows`. */
function invalid(faults: readonly RowFault[]): {
  error: { code: string; message: string; field: string; rows: RowFault[] };
} {
  const rows = new Set(faults.map((f) => f.row)).size;
  const what = faults.every((f) => f.row === 0)
    ? "the file is invalid"
    : `${rows} ${rows === 1 ? "row is" : "rows are"} invalid`;
  return {
    error: {
      code: "IMPORT_INVALID",
      message: `${what} (${faults.length} ${faults.length === 1 ? "fault" : "faults"}): nothing was imported`,
      field: "content",
      rows: faults.slice(0, MAX_REPORTED_FAULTS),
    },
  };
}

/**
 * `POST /api/admin/bank/imports` `{ format: "csv" | "json", content }`: validates every row, then
 * stores all of them in one D1 batch, or none. 201 `{ imported, questions }`; 400 IMPORT_INVALID with
 * `error.rows` (`{ row, line?, field, message }`, the first 100) when any row is invalid or already in
 * the bank; 409 QUESTION_EXISTS when another import stored one of them meanwhile (nothing written).
 */
export const adminBankImport: RouteHandler<{ json: typeof BankImportInput }> = async (c) => {
  const { format, content } = c.req.valid("json");
  const parsed = importRows(format, content, textKey);
  if (!parsed.ok) return c.json(invalid(parsed.faults), 400);
  const existing = await findByTextKeys(
    c.env.DB,
    parsed.questions.map((q) => q.text),
  );
  const faults = parsed.questions.flatMap((q, i) => {
    const id = existing.get(textKey(q.text));
    return id === undefined
      ? []
      : [fault(i + 1, parsed.lines[i], "text", `is already in the bank (question ${id})`)];
  });
  if (faults.length > 0) return c.json(invalid(faults), 400);
  const stored = await insertBankQuestions(c.env.DB, parsed.questions, Date.now());
  if (stored === "duplicate") {
    throw new ApiError(
      409,
      "QUESTION_EXISTS",
      "another import stored one of these questions meanwhile: nothing was imported",
    );
  }
  return c.json({ imported: stored.length, questions: stored }, 201);
};
