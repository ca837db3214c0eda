// Flood (issue 12 item 1, over real sockets): during a 2 s question one socket without a token
// writes F binary frames `08 FF` as fast as it can, and H honest players answer 100 ms after the
// window opened. Measures each honest answer (OK or TOO_LATE, send to response) and what the
// flooder got: the room's answers, its close code and when, and how many frames it wrote before.
// Each run is a fresh room (a TOO_LATE player is ELIMINATED for the next question); every flood run
// is paired with a control run (F = 0, the flooder socket open but silent) in the same pass.
import { benchActivity } from "../admin";
import { ClientPool } from "../clients/pool";
import type { AnswerRecord, FloodResult } from "../clients/protocol";
import { closeAll, openAll, sum } from "../clients/ops";
import { type Ctx, clientProcesses, userIds } from "../context";
import { liveroom } from "../../schema/proto";
import { type Over, overRuns, percentile } from "../stats";

const WINDOW_MS = 2_000;
const GRACE_MS = 500; // wrangler.toml ANSWER_GRACE_MS
const ANSWER_AT_MS = 100; // after the window opened (room clock)
const CORRECT = 1; // benchActivity's correct option

export interface FloodRun {
  mode: "flood" | "control";
  frames: number;
  ok: number;
  tooLate: number;
  /** Other refusals, by code name. */
  other: Record<string, number>;
  unanswered: number;
  /** Honest answers, ms from send to response. */
  p50: number;
  p99: number;
  max: number;
  /** ms from the window opening (room clock) to the flood's first frame; NaN for the control. */
  floodStartMs: number;
  flooder: FloodResult | null;
}

export interface FloodCase {
  honest: number;
  frames: number;
  /** Frames written per synchronous burst: 500 sees the close between bursts; F writes them all
   *  before the client can see anything, as an attacker who does not listen would. */
  chunk: number;
  windowMs: number;
  flood: FloodRun[];
  control: FloodRun[];
  floodP50: Over;
  floodP99: Over;
  controlP50: Over;
  controlP99: Over;
  /** Median flood p50 (p99) over median control p50 (p99). */
  ratioP50: number;
  ratioP99: number;
}

export async function floodScenario(
  ctx: Ctx,
  honestSizes: readonly number[],
  frames: number,
  chunks: readonly number[],
): Promise<FloodCase[]> {
  const cases: FloodCase[] = [];
  for (const h of honestSizes)
    for (const chunk of chunks) cases.push(await floodCase(ctx, h, frames, Math.min(chunk, frames)));
  return cases;
}

async function floodCase(ctx: Ctx, h: number, frames: number, chunk: number): Promise<FloodCase> {
  {
    ctx.progress.scope(`flood · ${h} honest · ${frames} frames in bursts of ${chunk}`);
    const honest = ClientPool.start(clientProcesses(h));
    const attacker = ClientPool.start(1);
    const flood: FloodRun[] = [];
    const control: FloodRun[] = [];
    try {
      for (let r = 0; r < ctx.runs; r++) {
        // Alternate which goes first, so a busy moment does not always hit the same side.
        const order: ("flood" | "control")[] = r % 2 === 0 ? ["flood", "control"] : ["control", "flood"];
        for (const mode of order) {
          const run = await oneRun(ctx, honest, attacker, h, mode === "flood" ? frames : 0, chunk, mode);
          (mode === "flood" ? flood : control).push(run);
          const f = run.flooder;
          ctx.progress.step(
            `run ${r + 1} ${mode}: ${run.ok} OK, ${run.tooLate} TOO_LATE, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms` +
              (f === null
                ? ""
                : `; flooder wrote ${f.flushed}/${f.handed}, closed ${f.closeCode} after ${f.closeMs.toFixed(0)} ms, ${JSON.stringify(f.responses)}`),
          );
        }
      }
    } finally {
      await Promise.all([honest.stop(), attacker.stop()]);
    }
    const c: FloodCase = {
      honest: h,
      frames,
      chunk,
      windowMs: WINDOW_MS,
      flood,
      control,
      floodP50: overRuns(flood.map((x) => x.p50)),
      floodP99: overRuns(flood.map((x) => x.p99)),
      controlP50: overRuns(control.map((x) => x.p50)),
      controlP99: overRuns(control.map((x) => x.p99)),
      ratioP50: 0,
      ratioP99: 0,
    };
    c.ratioP50 = c.floodP50.median / c.controlP50.median;
    c.ratioP99 = c.floodP99.median / c.controlP99.median;
    ctx.progress.done(
      `${sum(flood.map((x) => x.tooLate))} TOO_LATE under flood, ${sum(control.map((x) => x.tooLate))} in control; ` +
        `p50 ${c.floodP50.median.toFixed(1)} vs ${c.controlP50.median.toFixed(1)} ms (${c.ratioP50.toFixed(2)}×), ` +
        `p99 ${c.floodP99.median.toFixed(1)} vs ${c.controlP99.median.toFixed(1)} ms (${c.ratioP99.toFixed(2)}×)`,
    );
    return c;
  }
}

async function oneRun(
  ctx: Ctx,
  honest: ClientPool,
  attacker: ClientPool,
  h: number,
  frames: number,
  chunk: number,
  mode: "flood" | "control",
): Promise<FloodRun> {
  const tag = `${h}-${mode}-${Date.now().toString(36)}`;
  const id = `flood-${tag}`;
  await ctx.api.createActivity(benchActivity(id, { questions: 1, windowMs: WINDOW_MS }));
  const opened = await openAll(honest, {
    wsBase: ctx.wsBase,
    path: `/rooms/${id}/ws`,
    users: userIds(`f${tag}`, h),
    n: h,
    concurrency: ctx.concurrency,
    timeoutMs: 60_000,
  });
  if (opened.failed > 0) ctx.progress.warn(`${opened.failed} sockets failed: ${opened.errors.join("; ")}`);
  // The flooder: one raw socket to /rooms/:id/ws without a token (it has 10 s to AUTH; the run
  // takes under 5).
  const anon = await openAll(attacker, {
    wsBase: ctx.wsBase,
    path: `/rooms/${id}/ws`,
    users: null,
    n: 1,
    concurrency: 1,
    timeoutMs: 10_000,
  });
  if (anon.opened !== 1) throw new Error(`flooder socket did not open: ${anon.errors.join("; ")}`);
  // Host routes take the activity's host or an admin; the bench's activities have no host set.
  await ctx.api.call("POST", `/api/rooms/${id}/open`, ctx.api.adminToken);
  const shares = honest.shares(h);
  await honest.all<"answerArm">((c) => ({
    cmd: "answerArm",
    question: 0,
    option: CORRECT,
    offsetsMs: Array.from({ length: shares[c]!.count }, () => ANSWER_AT_MS),
    duplicates: [],
  }));
  await ctx.api.call("POST", `/api/rooms/${id}/questions/0/push`, ctx.api.adminToken, { streamTsMs: 0 });
  // At once: the flood (the control sends nothing but keeps the silent socket open).
  const flooding =
    frames > 0 ? attacker.send(0, { cmd: "flood", frames, chunk, maxMs: 10_000, closeWaitMs: 5_000 }) : null;
  const [parts, flooder] = await Promise.all([
    honest.all<"answerWait">(() => ({ cmd: "answerWait", timeoutMs: WINDOW_MS + GRACE_MS + 10_000 })),
    flooding,
  ]);
  await Promise.all([closeAll(honest), closeAll(attacker)]);
  const records: AnswerRecord[] = parts.flatMap((p) => p.records);
  const openedAt = parts[0]!.deadlineMs - parts[0]!.windowMs;
  const C = liveroom.Code;
  const ok = records.filter((x) => x.status === liveroom.Status.OK);
  const tooLate = records.filter((x) => x.status !== liveroom.Status.OK && x.code === C.TOO_LATE);
  const other: Record<string, number> = {};
  for (const x of records) {
    if (x.status === liveroom.Status.OK || x.code === C.TOO_LATE) continue;
    const name = C[x.code] ?? String(x.code);
    other[name] = (other[name] ?? 0) + 1;
  }
  const lat = records.map((x) => x.recvAt - x.sentAt);
  return {
    mode,
    frames,
    ok: ok.length,
    tooLate: tooLate.length,
    other,
    unanswered: h - records.length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.length === 0 ? Number.NaN : Math.max(...lat),
    floodStartMs: flooder === null ? Number.NaN : flooder.startedAt - openedAt,
    flooder,
  };
}

/** The flood section of results.md. */
export function floodMarkdown(cases: readonly FloodCase[]): string {
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "–");
  const over = (o: Over, d = 1) => (o.runs === 0 ? "–" : `${f(o.median, d)} (${f(o.min, d)}–${f(o.max, d)})`);
  const rows = cases.map((c) => {
    const fl = c.flood.map((x) => x.flooder).filter((x): x is FloodResult => x !== null);
    const codes = [...new Set(fl.map((x) => x.closeCode))].join(", ");
    const responses = fl.map((x) =>
      Object.entries(x.responses)
        .map(([k, v]) => `${v} ${k}`)
        .join(" + "),
    );
    return `| ${c.honest} | ${c.frames.toLocaleString("en-US")} | ${c.chunk.toLocaleString("en-US")} | ${sum(c.flood.map((x) => x.ok))} / ${sum(c.flood.map((x) => x.tooLate))} | ${sum(c.control.map((x) => x.ok))} / ${sum(c.control.map((x) => x.tooLate))} | ${over(c.floodP50)} | ${over(c.controlP50)} | ${f(c.ratioP50, 2)}× | ${over(c.floodP99)} | ${over(c.controlP99)} | ${f(c.ratioP99, 2)}× | ${codes} | ${over(overRuns(fl.map((x) => x.closeMs)), 0)} | ${over(overRuns(fl.map((x) => x.flushed)), 0)} | ${[...new Set(responses)].join("; ")} |`;
  });
  return [
    `One tokenless socket writes F frames \`08 FF\` as fast as it can, in synchronous bursts (yielding between them, so it stops once it sees its close), from the moment the question (window ${WINDOW_MS} ms) is pushed; the honest players answer ${ANSWER_AT_MS} ms after the window opened. Control: the same room with F = 0. A fresh room per run; median of runs (smallest–largest).`,
    "",
    "| honest | F | burst | flood OK / TOO_LATE | control OK / TOO_LATE | flood p50 ms | control p50 ms | p50 ratio | flood p99 ms | control p99 ms | p99 ratio | flooder close code | close after ms | frames written (flushed) | flooder got |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
