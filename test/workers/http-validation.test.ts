import { describe, expect, it } from "vitest";
import { activityBody, call, tokenFor, uniqueId } from "./http-helpers";

type Body = Record<string, unknown>;
const q = (text: string, options: unknown, correct: unknown) => ({ text, options, correct });
const rain = (fields: Body) => ({ totalCents: 5000, count: 100, ...fields });

/** [what, change to a valid body, field, message] — exactly one fault per case. */
const CASES: [string, (b: Body) => Body, string, string][] = [
  ["missing title", ({ title: _t, ...b }) => b, "title", "title is required"],
  [
    "blank title",
    (b) => ({ ...b, title: "   " }),
    "title",
    "title must be a non-blank string of at most 200 characters",
  ],
  [
    "title over 200 characters",
    (b) => ({ ...b, title: "x".repeat(201) }),
    "title",
    "title must be a non-blank string of at most 200 characters",
  ],
  ["missing startAt", ({ startAt: _s, ...b }) => b, "startAt", "startAt is required"],
  ...(["tomorrow", "2026-05-01T20:00:00", "2026-02-30T20:00:00Z", -1, 1.5].map((startAt) => [
    `startAt ${JSON.stringify(startAt)}`,
    (b: Body) => ({ ...b, startAt }),
    "startAt",
    "startAt must be an ISO 8601 date-time with a zone (2026-05-01T20:00:00Z) or epoch milliseconds",
  ]) as [string, (b: Body) => Body, string, string][]),
  [
    "missing prizePoolCents",
    ({ prizePoolCents: _p, ...b }) => b,
    "prizePoolCents",
    "prizePoolCents is required",
  ],
  ...([-100, 0, 10.5, "1000", 2 ** 53, null].map((cents) => [
    `prizePoolCents ${JSON.stringify(cents)}`,
    (b: Body) => ({ ...b, prizePoolCents: cents }),
    "prizePoolCents",
    "prizePoolCents must be a positive integer number of cents",
  ]) as [string, (b: Body) => Body, string, string][]),
  [
    "answerWindowMs below 1 s",
    (b) => ({ ...b, answerWindowMs: 999 }),
    "answerWindowMs",
    "answerWindowMs must be an integer from 1000 to 60000",
  ],
  [
    "answerWindowMs over 60 s",
    (b) => ({ ...b, answerWindowMs: 60_001 }),
    "answerWindowMs",
    "answerWindowMs must be an integer from 1000 to 60000",
  ],
  [
    "streamUrl not http(s)",
    (b) => ({ ...b, streamUrl: "ftp://x.example/a" }),
    "streamUrl",
    "streamUrl must be an http(s) URL",
  ],
  [
    "streamUrl not a URL",
    (b) => ({ ...b, streamUrl: "live" }),
    "streamUrl",
    "streamUrl must be an http(s) URL",
  ],
  ["grabCap 0", (b) => ({ ...b, grabCap: 0 }), "grabCap", "grabCap must be an integer from 1 to 100"],
  ["grabCap 101", (b) => ({ ...b, grabCap: 101 }), "grabCap", "grabCap must be an integer from 1 to 100"],
  ["id not a slug", (b) => ({ ...b, id: "Bad Id" }), "id", "id must be 1–64 characters of a–z, 0–9 and -"],
  ["missing questions", ({ questions: _q, ...b }) => b, "questions", "questions is required"],
  [
    "no questions",
    (b) => ({ ...b, questions: [] }),
    "questions",
    "questions must be a list of 1 to 50 questions",
  ],
  [
    "51 questions",
    (b) => ({ ...b, questions: Array.from({ length: 51 }, () => q("?", ["a", "b"], 0)) }),
    "questions",
    "questions must be a list of 1 to 50 questions",
  ],
  [
    "one option",
    (b) => ({ ...b, questions: [q("a?", ["a", "b"], 0), q("b?", ["only"], 0)] }),
    "questions.1.options",
    "questions.1.options must be a list of 2 to 4 options",
  ],
  [
    "five options",
    (b) => ({ ...b, questions: [q("a?", ["a", "b"], 0), q("b?", ["1", "2", "3", "4", "5"], 0)] }),
    "questions.1.options",
    "questions.1.options must be a list of 2 to 4 options",
  ],
  [
    "blank option",
    (b) => ({ ...b, questions: [q("a?", ["a", " "], 0)] }),
    "questions.0.options.1",
    "questions.0.options.1 must be a non-blank string of at most 200 characters",
  ],
  [
    "correct out of range",
    (b) => ({ ...b, questions: [q("a?", ["a", "b"], 2)] }),
    "questions.0.correct",
    "questions.0.correct must be the 0-based index of an option (0 to 1)",
  ],
  [
    "negative correct",
    (b) => ({ ...b, questions: [q("a?", ["a", "b"], -1)] }),
    "questions.0.correct",
    "questions.0.correct must be the 0-based index of an option",
  ],
  [
    "fractional correct",
    (b) => ({ ...b, questions: [q("a?", ["a", "b"], 0.5)] }),
    "questions.0.correct",
    "questions.0.correct must be the 0-based index of an option",
  ],
  [
    "question text over 500 characters",
    (b) => ({ ...b, questions: [q("x".repeat(501), ["a", "b"], 0)] }),
    "questions.0.text",
    "questions.0.text must be a non-blank string of at most 500 characters",
  ],
  [
    "count above totalCents",
    (b) => ({ ...b, rains: [rain({ totalCents: 99, count: 100 })] }),
    "rains.0.count",
    "rains.0.count must be at most totalCents (every packet holds at least 1 cent)",
  ],
  [
    "count 0",
    (b) => ({ ...b, rains: [rain({}), rain({ count: 0 })] }),
    "rains.1.count",
    "rains.1.count must be an integer from 1 to 100000",
  ],
  [
    "count over 100000",
    (b) => ({ ...b, rains: [rain({ totalCents: 1_000_000, count: 100_001 })] }),
    "rains.0.count",
    "rains.0.count must be an integer from 1 to 100000",
  ],
  [
    "rain totalCents fractional",
    (b) => ({ ...b, rains: [rain({ totalCents: 5000.5 })] }),
    "rains.0.totalCents",
    "rains.0.totalCents must be a positive integer number of cents",
  ],
  [
    "rain totalCents a string",
    (b) => ({ ...b, rains: [rain({ totalCents: "5000" })] }),
    "rains.0.totalCents",
    "rains.0.totalCents must be a positive integer number of cents",
  ],
  [
    "rain durationMs too short",
    (b) => ({ ...b, rains: [rain({ durationMs: 999 })] }),
    "rains.0.durationMs",
    "rains.0.durationMs must be an integer from 1000 to 300000",
  ],
  [
    "21 rains",
    (b) => ({ ...b, rains: Array.from({ length: 21 }, () => rain({})) }),
    "rains",
    "rains must be a list of at most 20 rains",
  ],
  ["unknown field", (b) => ({ ...b, prizePool: 5 }), "prizePool", "prizePool is not a known field"],
  [
    "unknown field in a question",
    (b) => ({ ...b, questions: [{ ...q("a?", ["a", "b"], 0), answer: 1 }] }),
    "questions.0.answer",
    "questions.0.answer is not a known field",
  ],
];

describe("POST /api/admin/activities validation", () => {
  it.each(CASES)("%s → 400 at its field", async (_what, change, field, message) => {
    const id = uniqueId("invalid");
    const token = await tokenFor("admin");
    const res = await call("POST", "/api/admin/activities", { token, body: change(activityBody(id)) });
    expect(res).toEqual({ status: 400, body: { error: { code: "VALIDATION_FAILED", message, field } } });
    // Nothing was stored.
    expect((await call("GET", `/api/admin/activities/${id}`, { token })).status).toBe(404);
  });

  it("rejects a body that is not JSON", async () => {
    expect(
      await call("POST", "/api/admin/activities", { token: await tokenFor("admin"), rawBody: "{title:" }),
    ).toEqual({ status: 400, body: { error: { code: "INVALID_JSON", message: "body is not valid JSON" } } });
  });

  it("rejects a JSON body that is not an object", async () => {
    expect(
      await call("POST", "/api/admin/activities", { token: await tokenFor("admin"), body: [1] }),
    ).toEqual({
      status: 400,
      body: { error: { code: "VALIDATION_FAILED", message: "must be a JSON object" } },
    });
  });

  it("accepts the boundaries: 4 options, count equal to totalCents, 50 questions", async () => {
    const body = {
      ...activityBody(uniqueId("edges")),
      prizePoolCents: 1,
      answerWindowMs: 60_000,
      grabCap: 100,
      questions: Array.from({ length: 50 }, (_, i) => q(`q${i}`, ["a", "b", "c", "d"], 3)),
      rains: [rain({ totalCents: 7, count: 7, durationMs: 300_000 })],
    };
    const res = await call("POST", "/api/admin/activities", { token: await tokenFor("admin"), body });
    expect(res.status).toBe(201);
  });
});
