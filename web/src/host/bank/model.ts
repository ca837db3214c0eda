// The question bank screen's pure parts: what a file is, how a fault reads, what the forms send.

/** One fault of an import, as the API lists them in `error.rows`. */
export interface ImportFault {
  row: number;
  line?: number;
  field: string;
  message: string;
}

/** A bank question as the API returns it. */
export interface BankQuestion {
  id: string;
  text: string;
  options: string[];
  correct: number;
  tags: string[];
  difficulty: "easy" | "medium" | "hard";
  source: string;
}

/**
 * The import format of a file: its extension, else whether its text looks like JSON.
 * @example formatOf("week-12.csv", "text,option1…") // "csv"
 */
export function formatOf(fileName: string, text: string): "csv" | "json" {
  const ext = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === "json") return "json";
  if (ext === "csv") return "csv";
  return /^\s*[[{]/.test(text) ? "json" : "csv";
}

/**
 * One fault in words, naming the row (and the file's line) and the field.
 * @example faultText({ row: 2, line: 3, field: "correct", message: "is required" }) // "Row 2 (line 3), correct: is required"
 */
export function faultText(f: ImportFault): string {
  const where = f.row === 0 ? "File" : `Row ${f.row}`;
  return `${where}${f.line === undefined ? "" : ` (line ${f.line})`}, ${f.field}: ${f.message}`;
}

/** Tags typed as "geo; europe , capitals" → ["geo", "europe", "capitals"]. */
export function parseTags(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** The body of `POST`/`PUT /api/admin/bank/questions` from the form's fields; empty options are left out. */
export function questionBody(
  text: string,
  options: readonly string[],
  correctSlot: number,
  tags: string,
  difficulty: string,
  source: string,
): { text: string; options: string[]; correct: number; tags: string[]; difficulty: string; source: string } {
  const filled = options.map((o, i) => ({ o: o.trim(), i })).filter((x) => x.o !== "");
  const correct = filled.findIndex((x) => x.i === correctSlot);
  return {
    text: text.trim(),
    options: filled.map((x) => x.o),
    // An unfilled slot marked correct sends an index the API refuses, naming `correct`.
    correct: correct === -1 ? filled.length : correct,
    tags: parseTags(tags),
    difficulty,
    source: source.trim(),
  };
}
