// An import file (CSV or JSON) into bank questions, row by row: every fault of every row is reported
// with its row and field, and the file is imported only when there is none (docs/question-bank.md).
import type { z } from "zod";
import type { BankQuestionFields } from "../../schema/queries/bank";
import { BankQuestionInput } from "../input/bank";
import { parseCsv } from "./csv";

/** Most questions one import may hold. */
export const MAX_IMPORT_ROWS = 1000;
/** Most faults an answer lists; the message still counts them all. */
export const MAX_REPORTED_FAULTS = 100;

/**
 * One fault: `row` is the question's 1-based number in the file (0: the file itself, e.g. the CSV
 * header); for a CSV, `line` is the line the record starts on (the header is line 1).
 * `field` is named as in the file: a CSV column (`option3`) or a JSON path (`options.2`).
 */
export interface RowFault {
  row: number;
  line?: number;
  field: string;
  message: string;
}

/** A valid file's questions, in file order, and for a CSV the line each starts on. */
export type ImportParse =
  | { ok: true; questions: BankQuestionFields[]; lines: (number | undefined)[] }
  | { ok: false; faults: RowFault[] };

/** The CSV columns, in the order a template lists them; `text`, `option1`, `option2` and `correct` are required. */
export const CSV_COLUMNS = [
  "text",
  "option1",
  "option2",
  "option3",
  "option4",
  "correct",
  "tags",
  "difficulty",
  "source",
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly CsvColumn[] = ["text", "option1", "option2", "correct"];
const OPTION_COLUMNS = ["option1", "option2", "option3", "option4"] as const;

/** The faults of one row's object against the bank's schema, each at the path zod names. */
function schemaFaults(error: z.ZodError): { path: string[]; message: string }[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return { path: [...path, issue.keys[0] ?? ""], message: "is not a known field" };
    }
    return { path, message: issue.message };
  });
}

/**
 * A validated JSON import: the file is an array of questions, or an object `{ questions: [...] }`,
 * each row as `POST /api/admin/bank/questions` takes it.
 */
function parseJsonRows(content: string): ImportParse {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return { ok: false, faults: [{ row: 0, field: "content", message: "is not valid JSON" }] };
  }
  const rows = Array.isArray(data)
    ? data
    : typeof data === "object" && data !== null && "questions" in data && Array.isArray(data.questions)
      ? (data.questions as unknown[])
      : undefined;
  if (rows === undefined) {
    return {
      ok: false,
      faults: [{ row: 0, field: "content", message: "must be a list of questions, or { questions: [...] }" }],
    };
  }
  const faults: RowFault[] = [];
  const questions: BankQuestionFields[] = [];
  rows.forEach((value, i) => {
    const result = BankQuestionInput.safeParse(value);
    if (result.success) questions.push(result.data);
    else {
      // One fault per field: the first check it failed.
      const fields = new Set<string>();
      for (const f of schemaFaults(result.error)) {
        const field = f.path.join(".") || "row";
        if (!fields.has(field)) faults.push({ row: i + 1, field, message: f.message });
        fields.add(field);
      }
    }
  });
  return faults.length === 0
    ? { ok: true, questions, lines: questions.map(() => undefined) }
    : { ok: false, faults };
}

/** The 0-based option a CSV's `correct` cell names: 1–4 or A–D, as a spreadsheet user writes it. */
function correctIndex(cell: string): number | undefined {
  const c = cell.trim().toUpperCase();
  if (/^[1-4]$/.test(c)) return Number(c) - 1;
  if (/^[A-D]$/.test(c)) return c.charCodeAt(0) - 65;
  return undefined;
}

/** The CSV column a schema path stands for: `options.2` is `option3`, `tags.0` is `tags`. */
function csvField(path: readonly string[]): string {
  const [head, index] = path;
  if (head === "options" && index !== undefined) return `option${Number(index) + 1}`;
  if (head === "options") return "option1";
  return head ?? "row";
}

/** A validated CSV import (header row first; columns CSV_COLUMNS in any order). */
function parseCsvRows(content: string): ImportParse {
  const parsed = parseCsv(content);
  if (!parsed.ok) {
    return {
      ok: false,
      faults: [{ row: 0, line: parsed.error.line, field: "content", message: parsed.error.message }],
    };
  }
  const [header, ...records] = parsed.records;
  if (header === undefined) {
    return { ok: false, faults: [{ row: 0, line: 1, field: "content", message: "has no header row" }] };
  }
  const faults: RowFault[] = [];
  const columnAt = new Map<CsvColumn, number>();
  header.cells.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if ((CSV_COLUMNS as readonly string[]).includes(name)) {
      if (columnAt.has(name as CsvColumn)) {
        faults.push({ row: 0, line: header.line, field: name, message: "is a column twice" });
      } else columnAt.set(name as CsvColumn, i);
    } else {
      faults.push({
        row: 0,
        line: header.line,
        field: raw.trim() || `column ${i + 1}`,
        message: `is not a known column (${CSV_COLUMNS.join(", ")})`,
      });
    }
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!columnAt.has(column))
      faults.push({ row: 0, line: header.line, field: column, message: "column is missing" });
  }
  if (faults.length > 0) return { ok: false, faults };

  const questions: BankQuestionFields[] = [];
  const lines: number[] = [];
  records.forEach((record, i) => {
    const row = i + 1;
    const at = (column: CsvColumn): string => {
      const index = columnAt.get(column);
      return index === undefined ? "" : (record.cells[index] ?? "");
    };
    const rowFaults: RowFault[] = [];
    if (record.cells.length > header.cells.length) {
      rowFaults.push({
        row,
        line: record.line,
        field: "row",
        message: `has ${record.cells.length} cells, the header ${header.cells.length}`,
      });
    }
    // Options are the filled option cells, which must come first: `correct` counts them from 1.
    const cells = OPTION_COLUMNS.map((c) => at(c));
    const filled = cells.filter((c) => c.trim() !== "").length;
    const gap = cells.findIndex((c, k) => c.trim() === "" && cells.slice(k + 1).some((d) => d.trim() !== ""));
    if (gap >= 0) {
      rowFaults.push({
        row,
        line: record.line,
        field: OPTION_COLUMNS[gap] ?? "option1",
        message: "is empty while a later option is filled",
      });
    }
    const correctCell = at("correct");
    const correct = correctIndex(correctCell);
    if (correct === undefined || correct >= Math.max(filled, 2)) {
      rowFaults.push({
        row,
        line: record.line,
        field: "correct",
        message:
          correctCell.trim() === ""
            ? "is required"
            : "must be the number (1–4) or letter (A–D) of a filled option",
      });
    }
    const tags = at("tags")
      .split(/[;,]/)
      .map((t) => t.trim())
      .filter((t) => t !== "");
    const candidate: Record<string, unknown> = {
      text: at("text"),
      options: cells.slice(0, Math.max(filled, 2)).map((c) => c.trim()),
      correct: correct ?? 0,
      tags,
    };
    const difficulty = at("difficulty").trim().toLowerCase();
    if (difficulty !== "") candidate.difficulty = difficulty;
    const source = at("source").trim();
    if (source !== "") candidate.source = source;
    const result = BankQuestionInput.safeParse(candidate);
    if (!result.success) {
      for (const f of schemaFaults(result.error)) {
        const field = csvField(f.path);
        // `correct` was judged above against the filled options, in the file's own terms.
        if (field === "correct") continue;
        if (rowFaults.some((r) => r.field === field)) continue;
        rowFaults.push({ row, line: record.line, field, message: f.message });
      }
    }
    if (rowFaults.length > 0) faults.push(...rowFaults);
    else if (result.success) {
      questions.push(result.data);
      lines.push(record.line);
    }
  });
  return faults.length === 0 ? { ok: true, questions, lines } : { ok: false, faults };
}

/** A fault, with the line when the row has one. */
export function fault(row: number, line: number | undefined, field: string, message: string): RowFault {
  return line === undefined ? { row, field, message } : { row, line, field, message };
}

/**
 * Parses and validates an import file row by row. A file with no question, more than
 * MAX_IMPORT_ROWS, or two rows of the same text (compared folded: `fold`) is refused as well.
 * @example importRows("csv", "text,option1,option2,correct\n2 + 2?,3,4,2", textKey)
 */
export function importRows(
  format: "csv" | "json",
  content: string,
  fold: (text: string) => string,
): ImportParse {
  const parsed = format === "csv" ? parseCsvRows(content) : parseJsonRows(content);
  if (!parsed.ok) return parsed;
  const { questions, lines } = parsed;
  if (questions.length === 0) {
    return { ok: false, faults: [{ row: 0, field: "content", message: "holds no question" }] };
  }
  if (questions.length > MAX_IMPORT_ROWS) {
    return {
      ok: false,
      faults: [
        {
          row: 0,
          field: "content",
          message: `holds ${questions.length} questions, at most ${MAX_IMPORT_ROWS} per import`,
        },
      ],
    };
  }
  const firstRow = new Map<string, number>();
  const faults: RowFault[] = [];
  questions.forEach((q, i) => {
    const key = fold(q.text);
    const earlier = firstRow.get(key);
    if (earlier === undefined) firstRow.set(key, i + 1);
    else faults.push(fault(i + 1, lines[i], "text", `is the same question as row ${earlier}`));
  });
  return faults.length === 0 ? parsed : { ok: false, faults };
}
