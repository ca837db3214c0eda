/** One CSV record: its cells and the 1-based line of the file it starts on. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A file that is not CSV at all: a quote left open, or text after a closing quote. */
export interface CsvSyntaxError {
  line: number;
  message: string;
}

/**
 * Parses CSV as RFC 4180 writes it (and spreadsheets export it): `,` between cells, `"` around a cell
 * that holds `,`, `"` (doubled) or a line break, CRLF or LF between records; a leading byte-order mark
 * is dropped. Blank lines are skipped.
 * @example parseCsv('text,option1\n"Say ""hi""",yes') // { ok: true, records: [{ line: 1, … }, { line: 2, cells: ['Say "hi"', "yes"] }] }
 */
export function parseCsv(
  input: string,
): { ok: true; records: CsvRecord[] } | { ok: false; error: CsvSyntaxError } {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // A record that is one empty cell is a blank line.
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === "")) records.push({ line: recordLine, cells });
    cells = [];
    cell = "";
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && cell === "") {
      const quoteLine = line;
      i += 1;
      for (;;) {
        if (i >= text.length)
          return { ok: false, error: { line: quoteLine, message: "a quoted cell is never closed" } };
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (q === "\n") line += 1;
        cell += q;
        i += 1;
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        return {
          ok: false,
          error: { line, message: "text after a closing quote (a quote inside a cell is written twice)" },
        };
      }
      continue;
    }
    if (ch === ",") {
      cells.push(cell);
      cell = "";
      i += 1;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    cell += ch;
    i += 1;
  }
  if (cell !== "" || cells.length > 0) endRecord();
  return { ok: true, records };
}
