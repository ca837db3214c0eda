// Scenario 2, answer burst: N players answer one question inside its window, half of them in
// the first second; a few extra sockets answer after the window and a few players answer twice.
// Measures accepted answers per second and the time to each sealed result, and checks from the
// responses that every player got exactly one accepted answer and nothing after the deadline.
import { benchActivity } from "../admin";
import { ClientPool } from "../clients/pool";
import type { AnswerRecord } from "../clients/protocol";
import { openAll, sum } from "../clients/ops";
import { type Ctx, clientProcesses, userIds } from "../context";
import { liveroom } from "../../schema/proto";
import { type Over, overRuns, peakInWindow, percentile } from "../stats";

const GRACE_MS = 500; // wrangler.toml ANSWER_GRACE_MS
const CORRECT = 1; // benchActivity's correct option
const LATE_AFTER_MS = 400; // past deadline + grace

export interface AnswerRun {
  accepted: number;
  peakPerSec: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 of the answers sent in the first second, the burst itself. */
  burstP99: number;
  /** Players with no accepted answer, or more than one. */
  notExactlyOne: number;
  acceptedLate: number;
  lateRejected: number;
  duplicatesRejected: number;
  otherFailures: number;
  unanswered: number;
  countsMatch: boolean;
  sealedBytes: number;
}

export interface AnswerCase {
  n: number;
  windowMs: number;
  late: number;
  duplicates: number;
  runs: AnswerRun[];
  peakPerSec: Over;
  p50: Over;
  p99: Over;
  burstP99: Over;
  max: Over;
}

export async function answerBurst(ctx: Ctx, ns: readonly number[]): Promise<AnswerCase[]> {
  const cases: AnswerCase[] = [];
  const windowMs = ctx.full ? 10_000 : 5_000;
  for (const n of ns) {
    ctx.progress.scope(`answer burst · N=${n} · window ${windowMs / 1000} s`);
    const late = Math.max(10, Math.round(n * 0.02));
    const dupCount = Math.max(10, Math.round(n * 0.05));
    const tag = `${n}-${Date.now().toString(36)}`;
    const id = `ans-${tag}`;
    const players = userIds(`a${tag}`, n);
    const users = [...players, ...userIds(`late${tag}`, late)];
    await ctx.api.createActivity(benchActivity(id, { questions: ctx.runs, windowMs }));
    const pool = ClientPool.start(clientProcesses(users.length));
    const runs: AnswerRun[] = [];
    try {
      ctx.progress.step(`opening ${users.length} sockets`);
      const opened = await openAll(pool, {
        wsBase: ctx.wsBase,
        path: `/rooms/${id}/ws`,
        users,
        n: users.length,
        concurrency: ctx.concurrency,
        timeoutMs: 120_000,
      });
      if (opened.failed > 0)
        ctx.progress.warn(`${opened.failed} sockets failed: ${opened.errors.join("; ")}`);
      await ctx.api.control(id, "open");
      for (let q = 0; q < ctx.runs; q++) {
        ctx.progress.step(`run ${q + 1}/${ctx.runs}`);
        const offsets = users.map((_, i) =>
          i >= n
            ? windowMs + GRACE_MS + LATE_AFTER_MS
            : i % 2 === 0
              ? Math.random() * 1000
              : 1000 + Math.random() * (windowMs - 1300),
        );
        const dups = new Set(Array.from({ length: dupCount }, (_, k) => Math.floor((k * n) / dupCount)));
        const shares = pool.shares(users.length);
        await pool.all<"answerArm">((c) => {
          const { from, count } = shares[c]!;
          return {
            cmd: "answerArm",
            question: q,
            option: CORRECT,
            offsetsMs: offsets.slice(from, from + count),
            duplicates: [...dups].filter((i) => i >= from && i < from + count).map((i) => i - from),
          };
        });
        await ctx.api.control(id, `questions/${q}/push`);
        const parts = await pool.all<"answerWait">(() => ({
          cmd: "answerWait",
          timeoutMs: windowMs + GRACE_MS + LATE_AFTER_MS + 10_000,
        }));
        const stats = (await ctx.api.stats(id)) as { stats: { counts: number[] } };
        const run = judge(
          parts.flatMap((p) => p.records),
          new Set(players),
          parts[0]!.deadlineMs,
          sum(parts.map((p) => p.unanswered)),
          sum(stats.stats.counts),
        );
        runs.push(run);
        ctx.progress.step(`run ${q + 1}: ${run.accepted} accepted, p99 ${run.p99.toFixed(1)} ms`);
        await ctx.api.control(id, `questions/${q}/reveal`);
      }
    } finally {
      await pool.stop();
    }
    const c: AnswerCase = {
      n,
      windowMs,
      late,
      duplicates: dupCount,
      runs,
      peakPerSec: overRuns(runs.map((r) => r.peakPerSec)),
      p50: overRuns(runs.map((r) => r.p50)),
      p99: overRuns(runs.map((r) => r.p99)),
      burstP99: overRuns(runs.map((r) => r.burstP99)),
      max: overRuns(runs.map((r) => r.max)),
    };
    cases.push(c);
    const bad = sum(runs.map((r) => r.notExactlyOne + r.acceptedLate + r.otherFailures + r.unanswered));
    ctx.progress.done(
      `peak ${c.peakPerSec.median.toFixed(0)} accepted/s, p99 ${c.p99.median.toFixed(1)} ms, ${bad} violations`,
    );
  }
  return cases;
}

function judge(
  records: AnswerRecord[],
  players: Set<string>,
  deadlineMs: number,
  unanswered: number,
  counted: number,
): AnswerRun {
  const ok = records.filter((r) => r.status === liveroom.Status.OK);
  const perUser = new Map<string, number>();
  for (const r of ok) perUser.set(r.user, (perUser.get(r.user) ?? 0) + 1);
  const notExactlyOne = [...players].filter((u) => perUser.get(u) !== 1).length;
  const lat = ok.map((r) => r.recvAt - r.sentAt);
  const burst = ok.filter((r) => r.offsetMs < 1000).map((r) => r.recvAt - r.sentAt);
  const failed = records.filter((r) => r.status !== liveroom.Status.OK);
  const C = liveroom.Code;
  const lateRejected = failed.filter((r) => r.code === C.TOO_LATE || r.code === C.NOT_RUNNING).length;
  const duplicatesRejected = failed.filter((r) => r.code === C.ALREADY_ANSWERED).length;
  return {
    accepted: ok.length,
    peakPerSec: peakInWindow(
      ok.map((r) => r.recvAt),
      1000,
    ),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.length === 0 ? Number.NaN : Math.max(...lat),
    burstP99: percentile(burst, 99),
    notExactlyOne,
    acceptedLate: ok.filter((r) => r.sentAt > deadlineMs + GRACE_MS).length,
    lateRejected,
    duplicatesRejected,
    otherFailures: failed.length - lateRejected - duplicatesRejected,
    unanswered,
    countsMatch: counted === ok.length,
    sealedBytes: ok[0]?.sealedBytes ?? 0,
  };
}
