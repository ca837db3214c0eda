import { describe, expect, it } from "vitest";
import { parseCsv } from "../../workers/bank/csv";
import { importRows } from "../../workers/bank/rows";

describe("parseCsv", () => {
  it("reads quoted cells with commas, doubled quotes and line breaks, CRLF or LF, and a BOM", () => {
    expect(parseCsv('\uFEFFa,"b, c","say ""hi"""\r\n"two\nlines",,""\n')).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ["a", "b, c", 'say "hi"'] },
        { line: 2, cells: ["two\nlines", "", ""] },
      ],
    });
  });

  it("skips blank lines, keeps the line each record starts on, and reads a last line without a break", () => {
    expect(parseCsv("h1,h2\n\n\r\nx,y\nlast,one")).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ["h1", "h2"] },
        { line: 4, cells: ["x", "y"] },
        { line: 5, cells: ["last", "one"] },
      ],
    });
    expect(parseCsv("")).toEqual({ ok: true, records: [] });
  });

  it("keeps a quote inside an unquoted cell as it is", () => {
    expect(parseCsv('5" screen,ok')).toEqual({
      ok: true,
      records: [{ line: 1, cells: ['5" screen', "ok"] }],
    });
  });

  it("refuses a quote left open, naming the line it opened on, and text after a closing quote", () => {
    expect(parseCsv('a,b\nc,"open\nstill open')).toEqual({
      ok: false,
      error: { line: 2, message: "a quoted cell is never closed" },
    });
    expect(parseCsv('a,"b"c\n')).toEqual({
      ok: false,
      error: { line: 1, message: "text after a closing quote (a quote inside a cell is written twice)" },
    });
  });
});

describe("importRows", () => {
  const fold = (t: string) => t.trim().toLowerCase();

  it("turns CSV rows into questions: A–D or 1–4, tags split and folded, defaults", () => {
    const csv = "TEXT,option1,option2,option3,correct,tags,source\nQ1,a,b,c,C,Geo; EU ,Atlas\nQ2,x,y,,2,,";
    expect(importRows("csv", csv, fold)).toEqual({
      ok: true,
      questions: [
        {
          text: "Q1",
          options: ["a", "b", "c"],
          correct: 2,
          tags: ["geo", "eu"],
          difficulty: "medium",
          source: "Atlas",
        },
        { text: "Q2", options: ["x", "y"], correct: 1, tags: [], difficulty: "medium", source: "" },
      ],
      lines: [2, 3],
    });
  });

  it("names every fault of every row, a row with more cells than the header, and no question at all", () => {
    const csv = "text,option1,option2,correct\n,a,b,1,extra\nQ,a,,";
    expect(importRows("csv", csv, fold)).toEqual({
      ok: false,
      faults: [
        { row: 1, line: 2, field: "row", message: "has 5 cells, the header 4" },
        { row: 1, line: 2, field: "text", message: "must be a non-blank string of at most 500 characters" },
        { row: 2, line: 3, field: "correct", message: "is required" },
        {
          row: 2,
          line: 3,
          field: "option2",
          message: "must be a non-blank string of at most 200 characters",
        },
      ],
    });
    expect(importRows("csv", "text,option1,option2,correct\n", fold)).toEqual({
      ok: false,
      faults: [{ row: 0, field: "content", message: "holds no question" }],
    });
    expect(importRows("json", '{"rows": []}', fold)).toEqual({
      ok: false,
      faults: [{ row: 0, field: "content", message: "must be a list of questions, or { questions: [...] }" }],
    });
  });
});
