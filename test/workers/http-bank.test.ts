// The question bank's admin API: its answers exactly, and each checked against the schema the OpenAPI
// document publishes for it (an independent JSON Schema validator, not the zod schema behind it).
import { Validator } from "@cfworker/json-schema";
import { beforeAll, describe, expect, it } from "vitest";
import type { BankQuestion } from "../../schema/queries/bank";
import type { AdminActivityDetail } from "../../workers/activities/admin-detail";
import type { JsonSchema, OpenApiDocument } from "../../workers/openapi/document";
import { call, tokenFor, uniqueId } from "./http-helpers";

let doc: OpenApiDocument;
let token: string;
beforeAll(async () => {
  doc = (await call<OpenApiDocument>("GET", "/api/openapi.json")).body;
  token = await tokenFor("admin");
});

/** Fails unless `body` fits what the document says `METHOD path` answers with `status`. */
function expectDocumented(method: string, path: string, status: number, body: unknown): void {
  const op = doc.paths[path]?.[method.toLowerCase()];
  const response = op?.responses[String(status)];
  expect(response, `${method} ${path} documents ${status}`).toBeDefined();
  const schema: JsonSchema | undefined =
    status >= 400 ? doc.components.schemas.Error : response?.content?.["application/json"].schema;
  expect(schema, `${method} ${path} ${status} has a schema`).toBeDefined();
  const result = new Validator(schema ?? {}, "2020-12", false).validate(body);
  expect(result.errors).toEqual([]);
}

const Q = "/api/admin/bank/questions";

function question(text: string, tag: string, fields: Record<string, unknown> = {}) {
  return { text, options: ["Paris", "Rome", "Berlin"], correct: 0, tags: [tag], ...fields };
}

async function search(query: string): Promise<{ questions: BankQuestion[]; total: number }> {
  const res = await call<{ questions: BankQuestion[]; total: number }>("GET", `${Q}?${query}`, { token });
  expect(res.status).toBe(200);
  expectDocumented("GET", Q, 200, res.body);
  return res.body;
}

describe("bank questions", () => {
  it("creates one with defaults and tags folded, reads it back, and refuses the same text twice", async () => {
    const tag = uniqueId("geo");
    const text = `Capital of France? ${tag}`;
    const created = await call<{ question: BankQuestion }>("POST", Q, {
      token,
      body: { ...question(text, ` ${tag.toUpperCase()} `), source: "Atlas 2026" },
    });
    expect(created.status).toBe(201);
    expectDocumented("POST", Q, 201, created.body);
    const { id, createdAtMs, updatedAtMs, ...rest } = created.body.question;
    expect(rest).toEqual({
      text,
      options: ["Paris", "Rome", "Berlin"],
      correct: 0,
      tags: [tag],
      difficulty: "medium",
      source: "Atlas 2026",
    });
    expect(updatedAtMs).toBe(createdAtMs);

    const got = await call("GET", `${Q}/${id}`, { token });
    expect(got).toEqual({ status: 200, body: created.body });
    expectDocumented("GET", `${Q}/{id}`, 200, got.body);

    // Case and spacing do not make another question.
    const again = await call("POST", Q, { token, body: question(`  capital OF   france? ${tag} `, tag) });
    expect(again).toEqual({
      status: 409,
      body: {
        error: { code: "QUESTION_EXISTS", message: "the bank already holds this question", field: "text" },
      },
    });
    expectDocumented("POST", Q, 409, again.body);
  });

  it("answers the API's 400 for a bad question, naming the field", async () => {
    const res = await call("POST", Q, { token, body: question("2 + 2?", "maths", { correct: 3 }) });
    expect(res).toEqual({
      status: 400,
      body: {
        error: {
          code: "VALIDATION_FAILED",
          message: "correct must be the 0-based index of an option (0 to 2)",
          field: "correct",
        },
      },
    });
    expect(
      await call("POST", Q, { token, body: question("2 + 2?", "maths", { difficulty: "brutal" }) }),
    ).toEqual({
      status: 400,
      body: {
        error: {
          code: "VALIDATION_FAILED",
          message: "difficulty must be easy, medium or hard",
          field: "difficulty",
        },
      },
    });
    expect(await call("GET", `${Q}/not-an-id`, { token })).toEqual({
      status: 400,
      body: { error: { code: "VALIDATION_FAILED", message: "id must be a question id", field: "id" } },
    });
  });

  it("searches by tag, text and difficulty, newest first, with the total and pages", async () => {
    const tag = uniqueId("search");
    for (const [i, difficulty] of ["easy", "hard", "easy"].entries()) {
      const res = await call("POST", Q, {
        token,
        body: question(`Search ${tag} number ${i} 100%_done`, tag, { difficulty }),
      });
      expect(res.status).toBe(201);
    }
    const all = await search(`tag=${tag}`);
    expect(all.total).toBe(3);
    expect(all.questions.map((q) => q.text)).toEqual(
      [2, 1, 0].map((i) => `Search ${tag} number ${i} 100%_done`),
    );
    expect((await search(`tag=${tag}&difficulty=easy`)).questions.map((q) => q.difficulty)).toEqual([
      "easy",
      "easy",
    ]);
    // Text is matched folded; % and _ are characters, not wildcards.
    expect((await search(`q=${encodeURIComponent(`${tag.toUpperCase()}   NUMBER 1`)}`)).total).toBe(1);
    expect((await search(`tag=${tag}&q=${encodeURIComponent("100%_done")}`)).total).toBe(3);
    expect((await search(`tag=${tag}&q=${encodeURIComponent("100%x")}`)).total).toBe(0);
    const page = await search(`tag=${tag}&limit=2&offset=2`);
    expect([page.total, page.questions.map((q) => q.text)]).toEqual([
      3,
      [`Search ${tag} number 0 100%_done`],
    ]);

    const tags = await call<{ tags: { tag: string; count: number }[] }>("GET", "/api/admin/bank/tags", {
      token,
    });
    expect(tags.body.tags).toContainEqual({ tag, count: 3 });
    expectDocumented("GET", "/api/admin/bank/tags", 200, tags.body);
  });

  it("replaces a question and its tags, deletes it, and answers 404 for one it does not hold", async () => {
    const tag = uniqueId("edit");
    const created = await call<{ question: BankQuestion }>("POST", Q, {
      token,
      body: question(`Edit ${tag}`, tag),
    });
    const { id } = created.body.question;
    const newTag = `${tag}-new`;
    const updated = await call<{ question: BankQuestion }>("PUT", `${Q}/${id}`, {
      token,
      body: { text: `Edited ${tag}`, options: ["a", "b"], correct: 1, tags: [newTag], difficulty: "hard" },
    });
    expect(updated.status).toBe(200);
    expectDocumented("PUT", `${Q}/{id}`, 200, updated.body);
    expect(updated.body.question).toMatchObject({
      id,
      text: `Edited ${tag}`,
      options: ["a", "b"],
      correct: 1,
      tags: [newTag],
      difficulty: "hard",
      source: "",
    });
    expect((await search(`tag=${tag}`)).total).toBe(0);
    expect((await search(`tag=${newTag}`)).questions.map((q) => q.id)).toEqual([id]);

    const deleted = await call("DELETE", `${Q}/${id}`, { token });
    expect(deleted).toEqual({ status: 200, body: { deleted: id } });
    expectDocumented("DELETE", `${Q}/{id}`, 200, deleted.body);
    expect((await search(`tag=${newTag}`)).total).toBe(0);
    const missing = {
      status: 404,
      body: { error: { code: "QUESTION_NOT_FOUND", message: `no question ${id} in the bank` } },
    };
    expect(await call("GET", `${Q}/${id}`, { token })).toEqual(missing);
    expect(await call("DELETE", `${Q}/${id}`, { token })).toEqual(missing);
    expect(await call("PUT", `${Q}/${id}`, { token, body: question(`Edited ${tag}`, tag) })).toEqual(missing);
  });
});

describe("imports", () => {
  const IMPORTS = "/api/admin/bank/imports";

  it("imports a CSV (quoted cells, A–D or 1–4, tags, a BOM, CRLF) in file order", async () => {
    const tag = uniqueId("csv");
    const csv = [
      "\uFEFFText,Option1,Option2,Option3,Option4,Correct,Tags,Difficulty,Source",
      `"Say ""hi"", ${tag}",hi,"hello, world",,,B,${tag};Greetings,easy,"Book, p. 3"`,
      `"Two lines
${tag}",1,2,3,4,4,${tag},,`,
      "",
    ].join("\r\n");
    const res = await call<{ imported: number; questions: BankQuestion[] }>("POST", IMPORTS, {
      token,
      body: { format: "csv", content: csv },
    });
    expect(res.status).toBe(201);
    expectDocumented("POST", IMPORTS, 201, res.body);
    expect(res.body.imported).toBe(2);
    expect(res.body.questions.map(({ id: _i, createdAtMs: _c, updatedAtMs: _u, ...q }) => q)).toEqual([
      {
        text: `Say "hi", ${tag}`,
        options: ["hi", "hello, world"],
        correct: 1,
        tags: [tag, "greetings"],
        difficulty: "easy",
        source: "Book, p. 3",
      },
      {
        text: `Two lines\n${tag}`,
        options: ["1", "2", "3", "4"],
        correct: 3,
        tags: [tag],
        difficulty: "medium",
        source: "",
      },
    ]);
    expect((await search(`tag=${tag}`)).questions.map((q) => q.text)).toEqual([
      `Say "hi", ${tag}`,
      `Two lines\n${tag}`,
    ]);
  });

  it("names every fault of a CSV by row, line and column, and imports none of its rows", async () => {
    const tag = uniqueId("csvbad");
    const csv = [
      "text,option1,option2,option3,option4,correct,tags,difficulty",
      `Good one ${tag},a,b,,,1,${tag},easy`,
      `Bad correct ${tag},a,b,,,3,${tag},easy`,
      `Gap ${tag},a,,c,,1,${tag},`,
      `,a,b,,,1,${tag},extreme`,
      `good one ${tag},a,b,,,2,${tag},`,
    ].join("\n");
    const res = await call("POST", IMPORTS, { token, body: { format: "csv", content: csv } });
    expect(res).toEqual({
      status: 400,
      body: {
        error: {
          code: "IMPORT_INVALID",
          message: "3 rows are invalid (4 faults): nothing was imported",
          field: "content",
          rows: [
            {
              row: 2,
              line: 3,
              field: "correct",
              message: "must be the number (1–4) or letter (A–D) of a filled option",
            },
            { row: 3, line: 4, field: "option2", message: "is empty while a later option is filled" },
            {
              row: 4,
              line: 5,
              field: "text",
              message: "must be a non-blank string of at most 500 characters",
            },
            { row: 4, line: 5, field: "difficulty", message: "must be easy, medium or hard" },
          ],
        },
      },
    });
    expectDocumented("POST", IMPORTS, 400, res.body);
    expect((await search(`tag=${tag}`)).total).toBe(0);
  });

  it("refuses a row twice in the file, or already in the bank, and then imports nothing", async () => {
    const tag = uniqueId("dup");
    const header = "text,option1,option2,correct,tags";
    const twice = [
      header,
      `Once ${tag},a,b,1,${tag}`,
      `Other ${tag},a,b,1,${tag}`,
      `ONCE  ${tag},a,b,2,${tag}`,
    ].join("\n");
    expect(await call("POST", IMPORTS, { token, body: { format: "csv", content: twice } })).toEqual({
      status: 400,
      body: {
        error: {
          code: "IMPORT_INVALID",
          message: "1 row is invalid (1 fault): nothing was imported",
          field: "content",
          rows: [{ row: 3, line: 4, field: "text", message: "is the same question as row 1" }],
        },
      },
    });
    const first = await call<{ question: BankQuestion }>("POST", Q, {
      token,
      body: question(`Other ${tag}`, tag),
    });
    const again = [header, `New ${tag},a,b,1,${tag}`, `other ${tag},a,b,1,${tag}`].join("\n");
    expect(await call("POST", IMPORTS, { token, body: { format: "csv", content: again } })).toEqual({
      status: 400,
      body: {
        error: {
          code: "IMPORT_INVALID",
          message: "1 row is invalid (1 fault): nothing was imported",
          field: "content",
          rows: [
            {
              row: 2,
              line: 3,
              field: "text",
              message: `is already in the bank (question ${first.body.question.id})`,
            },
          ],
        },
      },
    });
    expect((await search(`tag=${tag}`)).total).toBe(1);
  });

  it("imports the largest file in one batch, and refuses one row more whole", async () => {
    const tag = uniqueId("big");
    const rows = (n: number) =>
      [
        "text,option1,option2,option3,option4,correct,tags",
        ...Array.from({ length: n }, (_, i) => `Big ${tag} ${i},a,b,c,d,${(i % 4) + 1},${tag};t${i % 7}`),
      ].join("\n");
    const over = await call("POST", IMPORTS, { token, body: { format: "csv", content: rows(1001) } });
    expect(over).toEqual({
      status: 400,
      body: {
        error: {
          code: "IMPORT_INVALID",
          message: "the file is invalid (1 fault): nothing was imported",
          field: "content",
          rows: [{ row: 0, field: "content", message: "holds 1001 questions, at most 1000 per import" }],
        },
      },
    });
    const ok = await call<{ imported: number; questions: BankQuestion[] }>("POST", IMPORTS, {
      token,
      body: { format: "csv", content: rows(1000) },
    });
    expect([ok.status, ok.body.imported, ok.body.questions[999]?.correct]).toEqual([201, 1000, 3]);
    expect((await search(`tag=${tag}&limit=1`)).total).toBe(1000);
    expect((await search(`tag=t6&q=${encodeURIComponent(`big ${tag}`)}&limit=1`)).total).toBe(142);
  });

  it("checks a CSV's header and its syntax before any row", async () => {
    const bad = async (content: string) =>
      (await call("POST", IMPORTS, { token, body: { format: "csv", content } })).body;
    expect(await bad("text,choice1,option2\nx,a,b")).toEqual({
      error: {
        code: "IMPORT_INVALID",
        message: "the file is invalid (3 faults): nothing was imported",
        field: "content",
        rows: [
          {
            row: 0,
            line: 1,
            field: "choice1",
            message:
              "is not a known column (text, option1, option2, option3, option4, correct, tags, difficulty, source)",
          },
          { row: 0, line: 1, field: "option1", message: "column is missing" },
          { row: 0, line: 1, field: "correct", message: "column is missing" },
        ],
      },
    });
    expect(await bad('text,option1,option2,correct\n"open,a,b,1\n')).toEqual({
      error: {
        code: "IMPORT_INVALID",
        message: "the file is invalid (1 fault): nothing was imported",
        field: "content",
        rows: [{ row: 0, line: 2, field: "content", message: "a quoted cell is never closed" }],
      },
    });
  });

  it("imports JSON (a list or { questions }) and names a bad row's fields by their JSON path", async () => {
    const tag = uniqueId("json");
    const good = [question(`Json one ${tag}`, tag), question(`Json two ${tag}`, tag, { difficulty: "hard" })];
    const ok = await call<{ imported: number }>("POST", IMPORTS, {
      token,
      body: { format: "json", content: JSON.stringify({ questions: good }) },
    });
    expect([ok.status, ok.body.imported]).toEqual([201, 2]);
    const rows = [
      question(`Json three ${tag}`, tag),
      { text: `Json four ${tag}`, options: ["a", "  "], correct: 5, colour: "red" },
      "not a question",
    ];
    const res = await call("POST", IMPORTS, {
      token,
      body: { format: "json", content: JSON.stringify(rows) },
    });
    expect(res).toEqual({
      status: 400,
      body: {
        error: {
          code: "IMPORT_INVALID",
          message: "2 rows are invalid (4 faults): nothing was imported",
          field: "content",
          rows: [
            { row: 2, field: "options.1", message: "must be a non-blank string of at most 200 characters" },
            { row: 2, field: "correct", message: "must be the 0-based index of an option" },
            { row: 2, field: "colour", message: "is not a known field" },
            {
              row: 3,
              field: "row",
              message: "must be an object { text, options, correct, tags?, difficulty?, source? }",
            },
          ],
        },
      },
    });
    expect((await search(`tag=${tag}`)).total).toBe(2);
    expect((await call("POST", IMPORTS, { token, body: { format: "json", content: "{" } })).body).toEqual({
      error: {
        code: "IMPORT_INVALID",
        message: "the file is invalid (1 fault): nothing was imported",
        field: "content",
        rows: [{ row: 0, field: "content", message: "is not valid JSON" }],
      },
    });
  });
});

describe("an activity assembled from the bank", () => {
  it("keeps its own copy: editing or deleting the bank question never changes it", async () => {
    const tag = uniqueId("show");
    const ids: string[] = [];
    for (const text of [`First ${tag}`, `Second ${tag}`]) {
      const res = await call<{ question: BankQuestion }>("POST", Q, { token, body: question(text, tag) });
      ids.push(res.body.question.id);
    }
    const activityId = uniqueId("bank-show");
    const created = await call<{ activity: AdminActivityDetail }>("POST", "/api/admin/bank/activities", {
      token,
      body: {
        id: activityId,
        title: "From the bank",
        startAt: "2026-05-01T20:00:00Z",
        prizePoolCents: 100_000,
        questionIds: [ids[1], ids[0]],
      },
    });
    expect(created.status).toBe(201);
    const copies = [
      { text: `Second ${tag}`, options: ["Paris", "Rome", "Berlin"], correct: 0 },
      { text: `First ${tag}`, options: ["Paris", "Rome", "Berlin"], correct: 0 },
    ];
    expect(created.body.activity.questions).toEqual(copies);

    await call("PUT", `${Q}/${ids[0]}`, {
      token,
      body: { text: `Changed ${tag}`, options: ["x", "y"], correct: 1 },
    });
    await call("DELETE", `${Q}/${ids[1]}`, { token });
    const after = await call<{ activity: AdminActivityDetail }>(
      "GET",
      `/api/admin/activities/${activityId}`,
      { token },
    );
    expect(after.body.activity.questions).toEqual(copies);
  });

  it("names an id the bank does not hold, and the API's own 400 and 409", async () => {
    const tag = uniqueId("show-missing");
    const kept = await call<{ question: BankQuestion }>("POST", Q, {
      token,
      body: question(`Kept ${tag}`, tag),
    });
    const body = {
      title: "From the bank",
      startAt: "2026-05-01T20:00:00Z",
      prizePoolCents: 100_000,
      questionIds: [kept.body.question.id, "00000000-0000-4000-8000-000000000000"],
    };
    expect(await call("POST", "/api/admin/bank/activities", { token, body })).toEqual({
      status: 400,
      body: {
        error: {
          code: "QUESTION_NOT_FOUND",
          message: "questionIds.1 is not in the bank",
          field: "questionIds.1",
        },
      },
    });
    expect(
      await call("POST", "/api/admin/bank/activities", {
        token,
        body: { ...body, questionIds: [kept.body.question.id, kept.body.question.id] },
      }),
    ).toEqual({
      status: 400,
      body: {
        error: {
          code: "VALIDATION_FAILED",
          message: "questionIds must be a list of 1 to 50 distinct question ids",
          field: "questionIds",
        },
      },
    });
    expect(
      (await call("POST", "/api/admin/bank/activities", { token, body: { ...body, questions: [] } })).body,
    ).toEqual({
      error: { code: "VALIDATION_FAILED", message: "questions is not a known field", field: "questions" },
    });
  });
});
