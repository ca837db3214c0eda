import { z } from "zod";
import { intIn, text } from "./fields";
import {
  DEFAULT_ANSWER_WINDOW_MS,
  DEFAULT_GRAB_CAP,
  MAX_SHARDS,
  MAX_STREAM_DELAY_BUDGET_MS,
} from "../../schema/activity";
import { ActivityId } from "./ids";
import { must } from "./messages";

const CENTS = "must be a positive integer number of cents";
/** Positive integer cents within the safe-integer range (z.int() rejects fractions and unsafe integers). */
const Cents = z.int({ error: must(CENTS) }).min(1, { error: CENTS });

// Date.parse's range ends at ±8.64e15 ms; start times before the epoch make no sense here.
const MAX_EPOCH_MS = 8_640_000_000_000_000;
const START_AT = "must be an ISO 8601 date-time with a zone (2026-05-01T20:00:00Z) or epoch milliseconds";
const StartAt = z
  .union(
    [
      z.int({ error: START_AT }).min(0, { error: START_AT }).max(MAX_EPOCH_MS, { error: START_AT }),
      z.iso.datetime({ offset: true, error: START_AT }),
    ],
    { error: must(START_AT) },
  )
  .transform((v) => (typeof v === "number" ? v : Date.parse(v)))
  // The ISO pattern admits days that do not exist (02-30), which parse to NaN.
  .refine(Number.isFinite, { error: START_AT });

const Question = z
  .strictObject(
    {
      text: text(500),
      options: z
        .array(text(200), { error: must("must be a list of 2 to 4 options") })
        .min(2, { error: "must be a list of 2 to 4 options" })
        .max(4, { error: "must be a list of 2 to 4 options" }),
      correct: z.int({ error: must("must be the 0-based index of an option") }).min(0, {
        error: "must be the 0-based index of an option",
      }),
    },
    { error: must("must be an object { text, options, correct }") },
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

const Rain = z
  .strictObject(
    {
      totalCents: Cents,
      count: intIn(1, 100_000),
      targetTapsPerSec: intIn(1, 1_000_000).default(1000),
      durationMs: intIn(1000, 300_000).default(20_000),
      seed: text(128).optional(),
    },
    { error: must("must be an object { totalCents, count, targetTapsPerSec?, durationMs?, seed? }") },
  )
  .superRefine((r, ctx) => {
    if (r.count > r.totalCents) {
      ctx.addIssue({
        code: "custom",
        path: ["count"],
        input: r.count,
        message: "must be at most totalCents (every packet holds at least 1 cent)",
      });
    }
  });

/** The body of `POST /api/admin/activities`, with defaults applied and `startAt` in epoch ms. */
export const ActivityInput = z.strictObject(
  {
    id: ActivityId.optional(),
    title: text(200),
    startAt: StartAt,
    prizePoolCents: Cents,
    answerWindowMs: intIn(1000, 60_000).default(DEFAULT_ANSWER_WINDOW_MS),
    streamUrl: z
      .url({ protocol: /^https?$/, error: must("must be an http(s) URL") })
      .max(2048, { error: "must be an http(s) URL" })
      .optional(),
    streamDelayBudgetMs: intIn(0, MAX_STREAM_DELAY_BUDGET_MS).optional(),
    grabCap: intIn(1, 100).default(DEFAULT_GRAB_CAP),
    /** Shards the room is split into; default from `expectedAudience` (docs/scale.md), else 1. */
    shards: intIn(1, MAX_SHARDS).optional(),
    expectedAudience: intIn(1, 100_000_000).optional(),
    questions: z
      .array(Question, { error: must("must be a list of 1 to 50 questions") })
      .min(1, { error: "must be a list of 1 to 50 questions" })
      .max(50, { error: "must be a list of 1 to 50 questions" }),
    rains: z
      .array(Rain, { error: must("must be a list of at most 20 rains") })
      .max(20, { error: "must be a list of at most 20 rains" })
      .default([]),
  },
  { error: must("must be a JSON object") },
);

/** A validated activity body. */
export type ActivityInput = z.output<typeof ActivityInput>;
