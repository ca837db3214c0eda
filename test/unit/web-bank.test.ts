import { describe, expect, it } from "vitest";
import { schemaLines, typeText } from "../../web/src/api/schema-text";
import { faultText, formatOf, parseTags, questionBody } from "../../web/src/host/bank/model";

describe("the question bank screen's helpers", () => {
  it("tells a file's format by its extension, else by its first character", () => {
    expect([
      formatOf("week.csv", "[not json"),
      formatOf("week.JSON", "text,option1"),
      formatOf("pasted", '  [{"text": "x"}]'),
      formatOf("pasted", "text,option1"),
    ]).toEqual(["csv", "json", "json", "csv"]);
  });

  it("says a fault with its row, line and field", () => {
    expect(faultText({ row: 2, line: 3, field: "correct", message: "is required" })).toBe(
      "Row 2 (line 3), correct: is required",
    );
    expect(faultText({ row: 0, field: "content", message: "is not valid JSON" })).toBe(
      "File, content: is not valid JSON",
    );
  });

  it("sends the filled options, the correct one re-indexed, and the tags split", () => {
    expect(parseTags(" geo; europe , ;capitals ")).toEqual(["geo", "europe", "capitals"]);
    expect(questionBody(" Capital? ", ["Paris", "", "Rome", " "], 2, "geo", "easy", " Atlas ")).toEqual({
      text: "Capital?",
      options: ["Paris", "Rome"],
      correct: 1,
      tags: ["geo"],
      difficulty: "easy",
      source: "Atlas",
    });
    // An empty option marked correct sends an index past the options, which the API refuses.
    expect(questionBody("Q", ["a", "b", ""], 2, "", "medium", "").correct).toBe(2);
  });
});

describe("the API reference's schema text", () => {
  it("reads the JSON Schema zod writes", () => {
    expect(typeText({ type: "integer", minimum: 1, maximum: 9007199254740991 })).toBe("integer ≥ 1");
    expect(typeText({ type: "string", minLength: 1, maxLength: 200, pattern: "\\S" })).toBe(
      "string 1–200 chars matching /\\S/",
    );
    expect(
      typeText({
        anyOf: [
          { type: "integer", minimum: 0 },
          { type: "string", format: "date-time" },
        ],
      }),
    ).toBe("integer ≥ 0 | string (date-time)");
    expect(
      schemaLines({
        type: "object",
        properties: {
          title: { type: "string", maxLength: 200 },
          questions: {
            type: "array",
            maxItems: 50,
            items: { type: "object", properties: { correct: { type: "integer" } }, required: ["correct"] },
          },
          grabCap: { type: "integer", default: 3 },
        },
        required: ["title"],
      }),
    ).toEqual([
      "title: string ≤ 200 chars (required)",
      "questions: list of objects ≤ 50 items",
      "  correct: integer (required)",
      "grabCap: integer (default 3)",
    ]);
  });
});
