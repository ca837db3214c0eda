// The "create an activity" form's values turned into the API's body, with the first problem named.
// Amounts are typed in currency units and become integer cents here, by string arithmetic.
import { parseCents } from "../shared/money";

export interface QuestionValues {
  text: string;
  /** Up to 4 option fields; blank ones are left out. */
  options: string[];
  /** Index into `options` as typed, blanks included. */
  correct: number;
}

export interface ActivityFormValues {
  id: string;
  title: string;
  prize: string;
  windowSec: string;
  streamUrl: string;
  /** The stream-delay budget in seconds; blank: the API's default (10 s with a stream, 0 without). */
  delaySec: string;
  /** Viewers expected, which sizes the room's shards (README, "Sharded activities"); blank: one shard. */
  audience: string;
  questions: QuestionValues[];
  rainTotal: string;
  rainCount: string;
  rainSec: string;
}

export interface ActivityBody {
  id?: string;
  title: string;
  startAt: number;
  prizePoolCents: number;
  answerWindowMs: number;
  streamUrl?: string;
  streamDelayBudgetMs?: number;
  expectedAudience?: number;
  questions: Array<{ text: string; options: string[]; correct: number }>;
  rains: Array<{ totalCents: number; count: number; durationMs: number }>;
}

export type ActivityInputResult =
  | { ok: true; body: ActivityBody }
  | { ok: false; field: string; message: string };

/** The API's bound on `expectedAudience` (workers/input/activity.ts). */
const MAX_AUDIENCE = 100_000_000;

const fail = (field: string, message: string): ActivityInputResult => ({ ok: false, field, message });

function wholeNumber(text: string): number | undefined {
  return /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/**
 * Validates the form the way the API will, so that most mistakes are named before a round trip.
 *
 * @example activityInput(values, Date.now()) // { ok: true, body: { title: "Friday quiz", … } }
 */
export function activityInput(v: ActivityFormValues, nowMs: number): ActivityInputResult {
  const id = v.id.trim();
  if (id && !/^[a-z0-9-]{1,64}$/.test(id)) return fail("id", "Id: 1–64 characters of a–z, 0–9 and -.");
  const title = v.title.trim();
  if (!title) return fail("title", "Give the activity a title.");
  const prizePoolCents = parseCents(v.prize);
  if (prizePoolCents === undefined || prizePoolCents <= 0) {
    return fail("prize", "Prize pool: an amount above zero, like 1000 or 1000.50.");
  }
  const windowSec = wholeNumber(v.windowSec);
  if (windowSec === undefined || windowSec < 1 || windowSec > 60) {
    return fail("windowSec", "Answer window: 1 to 60 seconds.");
  }
  const streamUrl = v.streamUrl.trim();
  if (streamUrl && !/^https?:\/\/\S+$/.test(streamUrl))
    return fail("streamUrl", "Stream URL: an http(s) address.");
  const delaySec = v.delaySec.trim() === "" ? undefined : wholeNumber(v.delaySec);
  if (v.delaySec.trim() !== "" && (delaySec === undefined || delaySec > 60)) {
    return fail("delaySec", "Stream delay budget: 0 to 60 seconds, or blank for the default.");
  }
  // Big numbers are typed with separators: "1,000,000", "1 000 000", "1_000_000".
  const audienceText = v.audience.trim().replace(/[,_ ]/g, "");
  const audience = audienceText === "" ? undefined : wholeNumber(audienceText);
  if (audienceText !== "" && (audience === undefined || audience < 1 || audience > MAX_AUDIENCE)) {
    return fail("audience", "Expected audience: 1 to 100,000,000 viewers, or blank for a one-shard room.");
  }
  if (v.questions.length === 0) return fail("questions", "Add at least one question.");
  const questions: ActivityBody["questions"] = [];
  for (const [i, q] of v.questions.entries()) {
    const n = i + 1;
    if (!q.text.trim()) return fail(`questions.${i}.text`, `Question ${n}: write the question.`);
    const kept = q.options.map((o, at) => ({ text: o.trim(), at })).filter((o) => o.text !== "");
    if (kept.length < 2) return fail(`questions.${i}.options`, `Question ${n}: give 2 to 4 options.`);
    const correct = kept.findIndex((o) => o.at === q.correct);
    if (correct === -1) return fail(`questions.${i}.correct`, `Question ${n}: mark the correct option.`);
    questions.push({ text: q.text.trim(), options: kept.map((o) => o.text), correct });
  }
  const rains: ActivityBody["rains"] = [];
  if (v.rainTotal.trim() || v.rainCount.trim()) {
    const totalCents = parseCents(v.rainTotal);
    const count = wholeNumber(v.rainCount);
    const sec = wholeNumber(v.rainSec || "20");
    if (totalCents === undefined || totalCents <= 0) return fail("rainTotal", "Rain: a total above zero.");
    if (count === undefined || count < 1 || count > totalCents) {
      return fail("rainCount", "Rain: at least 1 packet, and no more packets than cents.");
    }
    if (sec === undefined || sec < 1 || sec > 300) return fail("rainSec", "Rain: 1 to 300 seconds.");
    rains.push({ totalCents, count, durationMs: sec * 1000 });
  }
  const body: ActivityBody = {
    title,
    startAt: nowMs,
    prizePoolCents,
    answerWindowMs: windowSec * 1000,
    questions,
    rains,
  };
  if (id) body.id = id;
  if (streamUrl) body.streamUrl = streamUrl;
  if (delaySec !== undefined) body.streamDelayBudgetMs = delaySec * 1000;
  if (audience !== undefined) body.expectedAudience = audience;
  return { ok: true, body };
}
