// The soak (issue 14, `npm run bench -- --soak`): one sharded room of N sockets (5,000 by default)
// for over a minute — danmaku at 20 a second the whole time, a red-packet grab storm, then a full quiz
// that every player answers — and afterwards settlement checked to the cent: every event the room's
// shards recorded is in the ledger once (reconciliation reports no difference), the room's totals are
// the ledger's, and what the clients were told (grants, accepted answers) is what the room recorded.
// The players and the danmaku viewers are separate client processes: a socket runs one client
// role at a time (bench/clients).
import { benchActivity } from "../admin";
import { closeAll, openAll, sum } from "../clients/ops";
import { ClientPool } from "../clients/pool";
import type { AnswerRecord, GrabRecord } from "../clients/protocol";
import { type Ctx, clientProcesses, userIds } from "../context";
import { mergeDanmaku } from "./danmaku";
import { liveroom } from "../../schema/proto";
import { percentile } from "../stats";

const OK = liveroom.Status.OK;
const CORRECT = 1;
const DANMAKU_PER_SEC = 20;
/** Each danmaku viewer posts one at most this often: they are never silent long enough to be swept. */
const DANMAKU_EVERY_MS = 40_000;
const GRACE_MS = 500;

export interface SoakPlan {
  n: number;
  shards: number;
  questions: number;
  windowMs: number;
  rainMs: number;
  packets: number;
  /** How long danmaku flows (the soak lasts at least this long). */
  danmakuMs: number;
}

export interface SoakResult {
  n: number;
  shards: number;
  opened: number;
  failed: number;
  /** From the room opening to its end (after the danmaku and the quiz). */
  seconds: number;
  danmaku: {
    viewers: number;
    sent: number;
    acked: number;
    perSec: number;
    shownPerSocket: number;
    p99Ms: number;
    refused: Record<string, number>;
  };
  rain: {
    packets: number;
    totalCents: number;
    taps: number;
    grants: number;
    toldCents: number;
    perSec: number;
    p99Ms: number;
    overCap: number;
    codes: Record<string, number>;
  };
  quiz: {
    questions: number;
    accepted: number[];
    /** Per question: the answer responses by code. */
    codes: Record<string, number>[];
    counts: number[][];
    exactlyOnce: boolean;
    unanswered: number;
    p99Ms: number;
    winnersTold: number;
  };
  settlement: {
    seconds: number;
    ok: boolean;
    differences: number;
    /** Events the room recorded that the ledger does not hold. */
    lost: number;
    room: { prizeCents: number; prizeCount: number; redPacketCents: number; redPacketCount: number };
    ledger: { prizeCents: number; prizeCount: number; redPacketCents: number; redPacketCount: number };
    sumOfBalancesCents: number;
  };
  errors: string[];
}

interface Report {
  activities: {
    ok: boolean;
    differences: { type: string }[];
    room: SoakResult["settlement"]["room"];
    ledger: SoakResult["settlement"]["ledger"];
  }[];
  ledger: { sumOfBalancesCents: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function online(ctx: Ctx, id: string): Promise<number> {
  const s = (await ctx.api.stats(id)) as { stats: { online: number } };
  return s.stats.online;
}

export async function soakScenario(ctx: Ctx, plan: SoakPlan): Promise<SoakResult> {
  const errors: string[] = [];
  const id = `soak-${Date.now().toString(36)}`;
  const totalCents = plan.packets * 37;
  await ctx.api.createActivity(
    benchActivity(id, {
      questions: plan.questions,
      windowMs: plan.windowMs,
      shards: plan.shards,
      rains: [{ totalCents, count: plan.packets, targetTapsPerSec: 1000, durationMs: plan.rainMs, seed: id }],
    }),
  );
  // At most a fifth of the sockets post danmaku; together they post DANMAKU_PER_SEC a second.
  const viewersN = Math.min(Math.round((DANMAKU_PER_SEC * DANMAKU_EVERY_MS) / 1000), Math.floor(plan.n / 5));
  const everyMs = Math.round((viewersN / DANMAKU_PER_SEC) * 1000);
  const playersN = plan.n - viewersN;
  const players = userIds(`sp${id}`, playersN);
  const viewers = userIds(`sv${id}`, viewersN);
  ctx.progress.scope(`soak · ${plan.n} sockets · ${plan.shards} shards`);
  const playerPool = ClientPool.start(clientProcesses(playersN));
  const viewerPool = ClientPool.start(1);
  try {
    ctx.progress.step(`opening ${playersN} players' sockets`);
    const path = `/rooms/${id}/ws`;
    const common = { wsBase: ctx.wsBase, path, concurrency: ctx.concurrency, timeoutMs: 180_000 };
    const a = await openAll(playerPool, { ...common, users: players, n: playersN });
    ctx.progress.step(`opening ${viewersN} danmaku viewers' sockets`);
    const b = await openAll(viewerPool, { ...common, users: viewers, n: viewersN });
    const opened = a.opened + b.opened;
    const failed = a.failed + b.failed;
    if (failed > 0) errors.push(`${failed} sockets failed to open: ${[...a.errors, ...b.errors].join("; ")}`);
    for (let i = 0; i < 120 && (await online(ctx, id)) < opened; i++) await sleep(500);
    await ctx.api.control(id, "open");
    const t0 = Date.now();

    ctx.progress.step(`danmaku at ${DANMAKU_PER_SEC}/s for ${plan.danmakuMs / 1000} s`);
    await viewerPool.all<"danmakuArm">(() => ({
      cmd: "danmakuArm",
      mode: "liveroom",
      senders: Array.from({ length: viewersN }, (_, i) => i),
      intervalMs: everyMs,
      durationMs: plan.danmakuMs,
      sampleEvery: 10,
    }));
    const danmakuDone = viewerPool.all<"danmakuWait">(() => ({ cmd: "danmakuWait", timeoutMs: 5_000 }));

    ctx.progress.step(`grab storm: ${playersN} players, ${plan.packets} packets, ${plan.rainMs / 1000} s`);
    await playerPool.all<"grabArm">(() => ({
      cmd: "grabArm",
      rain: 0,
      tapHz: 5,
      maxMs: plan.rainMs + 5_000,
    }));
    const rainStart = Date.now();
    await ctx.api.control(id, "rains/0/start");
    const grabParts = await playerPool.all<"grabWait">(() => ({ cmd: "grabWait", timeoutMs: 15_000 }));
    const rainSecs = (Date.now() - rainStart) / 1000;
    const grabs: GrabRecord[] = grabParts.flatMap((p) => p.records);

    const answers: AnswerRecord[][] = [];
    const counts: number[][] = [];
    let unanswered = 0;
    const shares = playerPool.shares(playersN);
    for (let q = 0; q < plan.questions; q++) {
      ctx.progress.step(
        `question ${q + 1}/${plan.questions}: ${playersN} answers in ${plan.windowMs / 1000} s`,
      );
      // Within the window with room to spare: a loaded machine answers in seconds at p99.
      const offsets = players.map(() => Math.random() * (plan.windowMs - 4_000));
      await playerPool.all<"answerArm">((c) => ({
        cmd: "answerArm",
        question: q,
        option: CORRECT,
        offsetsMs: offsets.slice(shares[c]!.from, shares[c]!.from + shares[c]!.count),
        duplicates: [],
      }));
      await ctx.api.control(id, `questions/${q}/push`);
      const parts = await playerPool.all<"answerWait">(() => ({
        cmd: "answerWait",
        timeoutMs: plan.windowMs + GRACE_MS + 10_000,
      }));
      answers.push(parts.flatMap((p) => p.records));
      unanswered += sum(parts.map((p) => p.unanswered));
      const revealed = (await ctx.api.control(id, `questions/${q}/reveal`)) as {
        stats?: { counts: number[] };
      };
      counts.push(
        revealed.stats?.counts ?? ((await ctx.api.stats(id)) as { stats: { counts: number[] } }).stats.counts,
      );
    }
    // The danmaku runs to its end in a live room (an ended room refuses danmaku), then the end.
    ctx.progress.step("waiting for the danmaku to end");
    const dm = mergeDanmaku(await danmakuDone);
    await ctx.api.control(id, "end");
    const s0 = Date.now();
    const seconds = (s0 - t0) / 1000;
    await closeAll(playerPool);
    await closeAll(viewerPool);

    // Settlement: reconciliation (no repair) until the ledger holds everything the room recorded.
    ctx.progress.step("settling: reconciliation until the ledger holds every event");
    let report: Report | null = null;
    for (let i = 0; i < 360; i++) {
      report = (
        (await ctx.api.call(
          "POST",
          `/api/admin/reconcile?activity=${id}&repair=false`,
          ctx.api.adminToken,
        )) as {
          report: Report;
        }
      ).report;
      if (report.activities[0]?.ok) break;
      await sleep(500);
    }
    const act = report!.activities[0]!;
    const settleSecs = (Date.now() - s0) / 1000;

    const okGrabs = grabs.filter((g) => g.status === OK);
    const perUser = new Map<string, number>();
    for (const g of okGrabs) perUser.set(g.user, (perUser.get(g.user) ?? 0) + 1);
    const codes: Record<string, number> = {};
    for (const g of grabs) {
      const name = g.status === OK ? "OK" : (liveroom.Code[g.code] ?? String(g.code));
      codes[name] = (codes[name] ?? 0) + 1;
    }
    const accepted = answers.map((rs) => rs.filter((r) => r.status === OK).length);
    const answerCodes = answers.map((rs) => {
      const c: Record<string, number> = {};
      for (const r of rs) {
        const name = r.status === OK ? "OK" : (liveroom.Code[r.code] ?? String(r.code));
        c[name] = (c[name] ?? 0) + 1;
      }
      return c;
    });
    const perPlayer = new Map<string, number>();
    for (const rs of answers)
      for (const r of rs) if (r.status === OK) perPlayer.set(r.user, (perPlayer.get(r.user) ?? 0) + 1);
    const winnersTold = [...perPlayer.values()].filter((n) => n === plan.questions).length;
    return {
      n: plan.n,
      shards: plan.shards,
      opened,
      failed,
      seconds,
      danmaku: {
        viewers: viewersN,
        sent: dm.sent,
        acked: dm.acked,
        perSec: dm.sent / (plan.danmakuMs / 1000),
        shownPerSocket: dm.items / Math.max(1, dm.sockets),
        p99Ms: percentile(dm.latencies, 99),
        refused: dm.refused,
      },
      rain: {
        packets: plan.packets,
        totalCents,
        taps: sum(grabParts.map((p) => p.taps)),
        grants: okGrabs.length,
        toldCents: sum(okGrabs.map((g) => g.amountCents)),
        perSec: okGrabs.length / rainSecs,
        p99Ms: percentile(
          grabs.map((g) => g.recvAt - g.sentAt),
          99,
        ),
        overCap: [...perUser.values()].filter((n) => n > 3).length,
        codes,
      },
      quiz: {
        questions: plan.questions,
        accepted,
        codes: answerCodes,
        counts,
        exactlyOnce: counts.every((c, q) => sum(c) === accepted[q]),
        unanswered,
        p99Ms: percentile(
          answers.flat().map((r) => r.recvAt - r.sentAt),
          99,
        ),
        winnersTold,
      },
      settlement: {
        seconds: settleSecs,
        ok: act.ok,
        differences: act.differences.length,
        lost: act.differences.filter((d) => d.type === "missing_in_ledger").length,
        room: pick(act.room),
        ledger: pick(act.ledger),
        sumOfBalancesCents: report!.ledger.sumOfBalancesCents,
      },
      errors,
    };
  } finally {
    await playerPool.stop();
    await viewerPool.stop();
  }
}

const pick = (t: SoakResult["settlement"]["room"]) => ({
  prizeCents: t.prizeCents,
  prizeCount: t.prizeCount,
  redPacketCents: t.redPacketCents,
  redPacketCount: t.redPacketCount,
});

/** The soak's page in docs/benchmarks. */
export function soakMarkdown(r: SoakResult, machine: string, when: string): string {
  const f = (n: number) => n.toLocaleString("en-US");
  const s = r.settlement;
  return `# Soak (issue 14): ${f(r.n)} sockets on ${r.shards} shards for ${r.seconds.toFixed(0)} s

\`npm run bench -- --soak\` (bench/scenarios/soak.ts), ${when}, ${machine}. One room of ${r.shards} shards
(coordinator + ${r.shards - 1}), one workerd through miniflare, clients in separate Node processes on
loopback. Danmaku at ${DANMAKU_PER_SEC}/s for the whole run (${f(r.danmaku.viewers)} viewers, each posting every
${(r.danmaku.viewers / DANMAKU_PER_SEC).toFixed(0)} s), a red-packet grab storm (every player tapping 5/s), then a ${r.quiz.questions}-question quiz every
player answers; then settlement through the real Queue and consumer, checked by reconciliation.

| | |
|---|---|
| sockets opened / failed | ${f(r.opened)} / ${f(r.failed)} |
| run (open → end, after the danmaku and the quiz) | ${r.seconds.toFixed(1)} s |
| danmaku sent / accepted | ${f(r.danmaku.sent)} / ${f(r.danmaku.acked)} (${r.danmaku.perSec.toFixed(1)}/s); refused ${JSON.stringify(r.danmaku.refused)} |
| danmaku shown per viewer socket, p99 send → screen | ${f(Math.round(r.danmaku.shownPerSocket))}, ${r.danmaku.p99Ms.toFixed(0)} ms |
| grab taps / grants | ${f(r.rain.taps)} / ${f(r.rain.grants)} of ${f(r.rain.packets)} packets (${r.rain.perSec.toFixed(0)} grants/s, p99 ${r.rain.p99Ms.toFixed(0)} ms); codes ${JSON.stringify(r.rain.codes)} |
| players over the cap of 3 | ${r.rain.overCap} |
| answers accepted per question | ${r.quiz.accepted.map(f).join(", ")} of ${f(r.n - r.danmaku.viewers)} players (p99 ${r.quiz.p99Ms.toFixed(0)} ms; unanswered ${r.quiz.unanswered}); codes ${r.quiz.codes.map((c) => JSON.stringify(c)).join(" ")} |
| reveal counts = accepted answers | ${r.quiz.exactlyOnce ? "yes" : "NO"} (${r.quiz.counts.map((c) => `[${c.join(", ")}]`).join(" ")}) |
| settled in (the end's call → reconciliation ok) | ${s.seconds.toFixed(1)} s |
| room: prizes / red packets | ${f(s.room.prizeCount)} = ${f(s.room.prizeCents)} ¢ / ${f(s.room.redPacketCount)} = ${f(s.room.redPacketCents)} ¢ |
| ledger: prizes / red packets | ${f(s.ledger.prizeCount)} = ${f(s.ledger.prizeCents)} ¢ / ${f(s.ledger.redPacketCount)} = ${f(s.ledger.redPacketCents)} ¢ |
| winners told (all answers accepted) / prizes | ${f(r.quiz.winnersTold)} / ${f(s.room.prizeCount)} |
| grants told to clients / red packets recorded | ${f(r.rain.grants)} = ${f(r.rain.toldCents)} ¢ / ${f(s.room.redPacketCount)} = ${f(s.room.redPacketCents)} ¢ |
| **settlement lost** | **${s.lost}** (differences ${s.differences}; reconciliation ${s.ok ? "ok" : "NOT ok"}) |
| sum of all balances | ${f(s.sumOfBalancesCents)} ¢ |

Reading it: the client processes and workerd share the same 2 cores, so at this size requests wait
seconds inside workerd (the p99 times above). The room judges an answer by when it reaches the room,
so answers sent in time but queued past the deadline and its 500 ms grace are refused TOO_LATE (and
their players are out of the following questions: MISSED_EARLIER, ELIMINATED), and taps still queued
when the rain ended get NO_RAIN. None of that is a loss: the check is that what the room accepted is
exactly what was counted, told and paid — reveal counts = accepted answers, every winner told is paid
once, every grant told is recorded and in the ledger, and reconciliation finds no difference.
${r.errors.length > 0 ? `\nErrors: ${r.errors.join("; ")}\n` : ""}`;
}
