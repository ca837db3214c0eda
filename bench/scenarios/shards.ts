// Scenario 8, one room across shards (issue 11, DESIGN §8, docs/scale.md):
// - the same sockets as one room and as 2 / 4 / 8 shards (activities created with `shards: N`): time
//   to the last socket for a question and for a reveal, the operator's round trip, workerd's CPU;
// - rooms with no sockets and 1 … 128 shards: what one more shard costs the coordinator per push and
//   per reveal (its RPC calls, measured as the operator's round trip and workerd's CPU);
// - a reconnect storm after a simulated deploy: workerd restarted, every socket closed at once, the
//   clients back over the Welcome's reconnect window with AUTH and RESUME.
// One shard's ceiling (answers/s, grabs/s) comes from scenarios 2 and 3 at 1,000 / 2,500 / 5,000.
import { benchActivity } from "../admin";
import { ClientPool } from "../clients/pool";
import type { StormRecord } from "../clients/protocol";
import { armAll, closeAll, collectAll, openAll, sum } from "../clients/ops";
import { now } from "../clients/socks";
import { type Ctx, clientProcesses, userIds } from "../context";
import { cpuNs, workerdPid } from "../cpu";
import { type Table, fmtInt, fmtOver } from "../report/types";
import { fitLine, imbalance } from "../scale";
import { type Over, overRuns, percentile } from "../stats";
import type { AnswerCase } from "./answers";
import type { RainCase } from "./rain";

const SETTLE_MS = 300;
const BROADCAST_TIMEOUT_MS = 15_000;

/** One broadcast to every socket: when the last one had it, and what the room spent on it. */
interface Broadcast {
  lastMs: number;
  p99Ms: number;
  missed: number;
  /** The operator's HTTP call, sent to answered (the step, the fan-out to every shard, the stats gather). */
  rttMs: number;
  /** workerd's CPU (every thread) from the call until the last socket had the frame. */
  cpuMs: number;
}

export interface ShardFanoutCase {
  n: number;
  shards: number;
  /** Authenticated sockets per shard, from the room's stats. */
  perShard: number[];
  imbalance: number;
  question: BroadcastSummary;
  reveal: BroadcastSummary;
  connectMs: number;
  failed: number;
}

interface BroadcastSummary {
  last: Over;
  p99: Over;
  rtt: Over;
  cpu: Over;
  missed: number;
}

export interface EmptyShardRow {
  shards: number;
  push: { rtt: Over; cpu: Over };
  reveal: { rtt: Over; cpu: Over };
}

/** One more shard's cost to a push and to a reveal: the slope of a line fitted over every run. */
export interface PerShardCost {
  pushRttMs: number;
  pushCpuMs: number;
  revealRttMs: number;
  revealCpuMs: number;
  /** The same at one shard (the line's value at N = 1). */
  baseRevealRttMs: number;
  basePushRttMs: number;
}

export interface ReconnectCase {
  n: number;
  shards: number;
  windowMs: number;
  /** setOptions: workerd stopped and started again. */
  restartMs: number;
  welcomedBefore: number;
  back: number;
  resumed: number;
  /** Clients back without a RESUME (their Welcome's room_seq was no further than what they held). */
  live: number;
  /** Sockets the restart closed. */
  closed: number;
  failures: number;
  failedAttempts: number;
  gaps: number;
  /** From the go (workerd back up) to the last client holding every notification up to the target. */
  allBackMs: number;
  backP50Ms: number;
  backP99Ms: number;
  /** The reconnects per second the clients sent (n over the spread of their first attempts). */
  offeredPerSec: number;
  errors: string[];
}

export interface ShardsResult {
  fanout: ShardFanoutCase[];
  empty: EmptyShardRow[];
  perShard: PerShardCost;
  reconnect: ReconnectCase[];
  errors: string[];
}

export interface ShardsPlan {
  /** Sockets in the 1-room-vs-N-shards comparison. */
  n: number;
  shardCounts: number[];
  /** Shard counts of the empty rooms. */
  emptyShards: number[];
  emptyRounds: number;
  reconnectN: number;
  reconnectShards: number[];
}

export async function shardsScenario(ctx: Ctx, plan: ShardsPlan): Promise<ShardsResult> {
  const errors: string[] = [];
  // A failed case is reported beside the others instead of dropping the whole scenario.
  const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (err) {
      ctx.progress.warn(`${what} failed: ${String(err)}`);
      errors.push(`${what}: ${String(err)}`);
      return null;
    }
  };
  const fanout: ShardFanoutCase[] = [];
  for (const shards of plan.shardCounts) {
    const c = await attempt(`fan-out, ${shards} shard(s)`, () => shardFanout(ctx, plan.n, shards));
    if (c !== null) fanout.push(c);
  }
  const empty: EmptyShardRow[] = [];
  for (const shards of plan.emptyShards) {
    const row = await attempt(`empty room, ${shards} shard(s)`, () =>
      emptyShards(ctx, shards, plan.emptyRounds),
    );
    if (row !== null) empty.push(row);
  }
  const reconnect: ReconnectCase[] = [];
  for (const shards of plan.reconnectShards) {
    const c = await attempt(`reconnect storm, ${shards} shard(s)`, () =>
      reconnectStorm(ctx, plan.reconnectN, shards),
    );
    if (c !== null) reconnect.push(c);
  }
  return { fanout, empty, perShard: perShardCost(empty), reconnect, errors };
}

type Stats = { stats: { shards: { shard: number; online: number }[]; roomSeq: number } };

/** N sockets in a room of `shards` shards: each run a question then its reveal, timed at every socket. */
async function shardFanout(ctx: Ctx, n: number, shards: number): Promise<ShardFanoutCase> {
  ctx.progress.scope(`shards · fan-out · ${n} sockets · ${shards} shard(s)`);
  const pid = workerdPid();
  const tag = `${n}-${shards}-${Date.now().toString(36)}`;
  const id = `shf-${tag}`;
  await ctx.api.createActivity(benchActivity(id, { questions: ctx.runs + 1, shards }));
  const pool = ClientPool.start(clientProcesses(n));
  const questions: Broadcast[] = [];
  const reveals: Broadcast[] = [];
  try {
    ctx.progress.step(`opening ${n} sockets`);
    const opened = await openAll(pool, {
      wsBase: ctx.wsBase,
      path: `/rooms/${id}/ws`,
      users: userIds(`h${tag}`, n),
      n,
      concurrency: ctx.concurrency,
      timeoutMs: 120_000,
    });
    if (opened.failed > 0) ctx.progress.warn(`${opened.failed} sockets failed: ${opened.errors.join("; ")}`);
    // ROOM_OPENED goes to everyone: drain it before the first measured push.
    await armAll(pool);
    await ctx.api.control(id, "open");
    await collectAll(pool, BROADCAST_TIMEOUT_MS);
    for (let round = 0; round <= ctx.runs; round++) {
      ctx.progress.step(round === 0 ? "warm-up" : `run ${round}/${ctx.runs}`);
      const q = await broadcast(pool, pid, () => ctx.api.control(id, `questions/${round}/push`));
      await sleep(SETTLE_MS);
      const r = await broadcast(pool, pid, () => ctx.api.control(id, `questions/${round}/reveal`));
      await sleep(SETTLE_MS);
      if (round > 0) {
        questions.push(q);
        reveals.push(r);
      }
    }
    const stats = (await ctx.api.stats(id)) as Stats;
    await closeAll(pool);
    const perShard = stats.stats.shards.map((s) => s.online);
    const c: ShardFanoutCase = {
      n,
      shards,
      perShard,
      imbalance: imbalance(perShard),
      question: summarize(questions),
      reveal: summarize(reveals),
      connectMs: opened.elapsedMs,
      failed: opened.failed,
    };
    ctx.progress.done(
      `question last socket ${c.question.last.median.toFixed(1)} ms, reveal ${c.reveal.last.median.toFixed(1)} ms, reveal call ${c.reveal.rtt.median.toFixed(1)} ms`,
    );
    return c;
  } finally {
    await pool.stop();
  }
}

async function broadcast(
  pool: ClientPool,
  pid: number | null,
  call: () => Promise<unknown>,
): Promise<Broadcast> {
  await armAll(pool);
  const cpu0 = cpuNs(pid);
  const t0 = now();
  await call();
  const rttMs = now() - t0;
  const got = await collectAll(pool, BROADCAST_TIMEOUT_MS);
  const cpuMs = (cpuNs(pid) - cpu0) / 1e6;
  const lat = got.arrivals.filter(Number.isFinite).map((t) => t - t0);
  return {
    lastMs: lat.length === 0 ? Number.NaN : Math.max(...lat),
    p99Ms: percentile(lat, 99),
    missed: got.arrivals.length - lat.length,
    rttMs,
    cpuMs,
  };
}

function summarize(runs: readonly Broadcast[]): BroadcastSummary {
  return {
    last: overRuns(runs.map((r) => r.lastMs)),
    p99: overRuns(runs.map((r) => r.p99Ms)),
    rtt: overRuns(runs.map((r) => r.rttMs)),
    cpu: overRuns(runs.map((r) => r.cpuMs)),
    missed: sum(runs.map((r) => r.missed)),
  };
}

interface EmptyRun {
  shards: number;
  pushRtt: number;
  pushCpu: number;
  revealRtt: number;
  revealCpu: number;
}

/** A room with no socket: the operator's push and reveal cost only the coordinator's calls to its shards. */
async function emptyShards(ctx: Ctx, shards: number, rounds: number): Promise<EmptyShardRow> {
  const pid = workerdPid();
  {
    ctx.progress.scope(`shards · empty room · ${shards} shard(s)`);
    const id = `she-${shards}-${Date.now().toString(36)}`;
    await ctx.api.createActivity(benchActivity(id, { questions: rounds + 1, shards }));
    // Opening delivers ROOM_OPENED to every shard: every shard object exists and is warm after it.
    await ctx.api.control(id, "open");
    const runs: EmptyRun[] = [];
    for (let round = 0; round <= rounds; round++) {
      const timed = async (step: string) => {
        const cpu0 = cpuNs(pid);
        const t0 = now();
        await ctx.api.control(id, step);
        return { rtt: now() - t0, cpu: (cpuNs(pid) - cpu0) / 1e6 };
      };
      const p = await timed(`questions/${round}/push`);
      const r = await timed(`questions/${round}/reveal`);
      if (round > 0)
        runs.push({ shards, pushRtt: p.rtt, pushCpu: p.cpu, revealRtt: r.rtt, revealCpu: r.cpu });
    }
    const row: EmptyShardRow = {
      shards,
      push: { rtt: overRuns(runs.map((x) => x.pushRtt)), cpu: overRuns(runs.map((x) => x.pushCpu)) },
      reveal: { rtt: overRuns(runs.map((x) => x.revealRtt)), cpu: overRuns(runs.map((x) => x.revealCpu)) },
    };
    ctx.progress.done(
      `push ${row.push.rtt.median.toFixed(1)} ms (CPU ${row.push.cpu.median.toFixed(1)}), reveal ${row.reveal.rtt.median.toFixed(1)} ms (CPU ${row.reveal.cpu.median.toFixed(1)})`,
    );
    return row;
  }
}

/** The slope over the shard count of each median: what one more shard adds. */
export function perShardCost(rows: readonly EmptyShardRow[]): PerShardCost {
  const line = (pick: (r: EmptyShardRow) => number) =>
    fitLine(rows.map((r) => ({ x: r.shards - 1, y: pick(r) })));
  const pushRtt = line((r) => r.push.rtt.median);
  const revealRtt = line((r) => r.reveal.rtt.median);
  return {
    pushRttMs: pushRtt.slope,
    pushCpuMs: line((r) => r.push.cpu.median).slope,
    revealRttMs: revealRtt.slope,
    revealCpuMs: line((r) => r.reveal.cpu.median).slope,
    basePushRttMs: pushRtt.intercept,
    baseRevealRttMs: revealRtt.intercept,
  };
}

/**
 * A simulated deploy: n sockets AUTHed (each keeps its Welcome's window and last sequence), workerd
 * restarted, a question pushed as soon as it is up; every client reconnects after its jitter, AUTHs,
 * and RESUMEs if the room moved on. Back = welcomed and holding every notification up to the question.
 */
async function reconnectStorm(ctx: Ctx, n: number, shards: number): Promise<ReconnectCase> {
  ctx.progress.scope(`shards · reconnect storm · ${n} sockets · ${shards} shard(s)`);
  const tag = `${n}-${shards}-${Date.now().toString(36)}`;
  const id = `shr-${tag}`;
  await ctx.api.createActivity(benchActivity(id, { questions: 1, shards }));
  const pool = ClientPool.start(clientProcesses(n));
  try {
    ctx.progress.step(`opening ${n} sockets`);
    const path = `/rooms/${id}/ws`;
    const opened = await openAll(pool, {
      wsBase: ctx.wsBase,
      path,
      users: userIds(`r${tag}`, n),
      n,
      concurrency: ctx.concurrency,
      timeoutMs: 120_000,
    });
    if (opened.failed > 0) ctx.progress.warn(`${opened.failed} sockets failed: ${opened.errors.join("; ")}`);
    await ctx.api.control(id, "open");
    ctx.progress.step("AUTH on every socket");
    const auths = await pool.all<"authAll">(() => ({ cmd: "authAll", timeoutMs: 60_000 }));
    const windowMs = Math.max(...auths.map((a) => a.windowMaxMs));
    const welcomedBefore = sum(auths.map((a) => a.welcomed));
    await pool.all<"stormArm">(() => ({
      cmd: "stormArm",
      wsBase: ctx.wsBase,
      path,
      maxMs: windowMs + 60_000,
    }));
    ctx.progress.step(`restarting workerd (window ${windowMs} ms)`);
    const t0 = now();
    await ctx.rt.restart();
    const restartMs = now() - t0;
    // While everyone is away: every client has to RESUME to get it.
    await ctx.api.control(id, "questions/0/push");
    const targetSeq = ((await ctx.api.stats(id)) as Stats).stats.roomSeq;
    ctx.progress.step(`reconnecting, waiting for room_seq ${targetSeq} everywhere`);
    const parts = await pool.all<"stormWait">(() => ({
      cmd: "stormWait",
      targetSeq,
      timeoutMs: windowMs + 60_000,
    }));
    await closeAll(pool);
    const c = reconnectCase(
      n,
      shards,
      windowMs,
      restartMs,
      welcomedBefore,
      parts.flatMap((p) => p.records),
      parts.flatMap((p) => p.errors).slice(0, 5),
    );
    ctx.progress.done(
      `${c.back}/${n} back (${c.resumed} resumed, ${c.live} live) in ${c.allBackMs.toFixed(0)} ms, window ${windowMs} ms, ${c.failures} failures, ${c.failedAttempts} attempts retried`,
    );
    return c;
  } finally {
    await pool.stop();
  }
}

export function reconnectCase(
  n: number,
  shards: number,
  windowMs: number,
  restartMs: number,
  welcomedBefore: number,
  records: readonly StormRecord[],
  errors: string[],
): ReconnectCase {
  const closed = records.filter((r) => Number.isFinite(r.closedAt));
  const go = Math.min(...records.map((r) => r.goAt));
  const back = records.filter((r) => Number.isFinite(r.backAt));
  const backMs = back.map((r) => r.backAt - go);
  const starts = closed.map((r) => r.goAt + r.delayMs);
  const spreadMs = Math.max(1, Math.max(...starts) - Math.min(...starts));
  return {
    n,
    shards,
    windowMs,
    restartMs,
    welcomedBefore,
    closed: closed.length,
    back: back.length,
    resumed: back.filter((r) => r.resumed).length,
    live: back.filter((r) => !r.resumed).length,
    failures: n - back.length,
    failedAttempts: sum(records.map((r) => r.failedAttempts)),
    gaps: records.filter((r) => r.missing > 0).length,
    allBackMs: back.length === n ? Math.max(...backMs) : Number.NaN,
    backP50Ms: percentile(backMs, 50),
    backP99Ms: percentile(backMs, 99),
    offeredPerSec: closed.length / (spreadMs / 1000),
    errors,
  };
}

const ratio = (a: number, b: number) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : "–");
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");

function table(t: Table): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(t.header), line(t.header.map(() => "---")), ...t.rows.map(line)].join("\n");
}

/** The section of results.md: one shard's ceiling (from scenarios 2 and 3), then the shards. */
export function shardsMarkdown(
  r: ShardsResult,
  answers: readonly AnswerCase[] | null,
  rain: readonly RainCase[] | null,
): string {
  const parts: string[] = [];
  const sizes = [...new Set([...(answers ?? []).map((a) => a.n), ...(rain ?? []).map((x) => x.n)])].sort(
    (a, b) => a - b,
  );
  if (sizes.length > 0) {
    parts.push(
      "**One shard's ceiling** (a one-shard room is one shard; scenarios 2 and 3 above, same runs):",
      "",
      table({
        header: [
          "players",
          "answers accepted/s, busiest s",
          "answer p99 ms",
          "GRAB answers/s",
          "GRAB p99 ms",
        ],
        rows: sizes.map((n) => {
          const a = answers?.find((x) => x.n === n);
          const g = rain?.find((x) => x.n === n);
          return [
            fmtInt(n),
            a ? fmtOver(a.peakPerSec, 0) : "–",
            a ? fmtOver(a.p99) : "–",
            g ? fmtOver(g.perSec, 0) : "–",
            g ? fmtOver(g.p99) : "–",
          ];
        }),
      }),
    );
  }
  const one = r.fanout.find((c) => c.shards === 1);
  if (r.fanout.length > 0) {
    parts.push(
      "",
      `**The same ${fmtInt(r.fanout[0]!.n)} sockets as 1 room and as N shards** (median of runs, smallest–largest; ratio of medians to the one-shard room; the operator's call is the HTTP push or reveal, sent to answered: the step, the hand-off to every shard, the stats gather; CPU is workerd's, every object together):`,
      "",
      table({
        header: [
          "shards",
          "sockets per shard (max/mean)",
          "question: last socket ms",
          "×",
          "reveal: last socket ms",
          "×",
          "push call ms",
          "reveal call ms (gather)",
          "CPU per question ms",
          "CPU per reveal ms",
          "missed",
        ],
        rows: r.fanout.map((c) => [
          String(c.shards),
          `${c.perShard.join(" / ")} (${c.imbalance.toFixed(2)})`,
          fmtOver(c.question.last),
          one ? ratio(c.question.last.median, one.question.last.median) : "–",
          fmtOver(c.reveal.last),
          one ? ratio(c.reveal.last.median, one.reveal.last.median) : "–",
          fmtOver(c.question.rtt),
          fmtOver(c.reveal.rtt),
          fmtOver(c.question.cpu),
          fmtOver(c.reveal.cpu),
          String(c.question.missed + c.reveal.missed),
        ]),
      }),
    );
  }
  if (r.empty.length > 0) {
    const p = r.perShard;
    parts.push(
      "",
      "**Rooms with no sockets: what one more shard costs the coordinator** (operator's round trip and workerd CPU per step; a push calls each shard twice — the delivery and the stats figures — and a reveal three times — the close gather, the delivery, the figures):",
      "",
      table({
        header: ["shards", "push call ms", "push CPU ms", "reveal call ms", "reveal CPU ms"],
        rows: r.empty.map((e) => [
          String(e.shards),
          fmtOver(e.push.rtt),
          fmtOver(e.push.cpu),
          fmtOver(e.reveal.rtt),
          fmtOver(e.reveal.cpu),
        ]),
      }),
      "",
      `Fitted over the shard counts: one more shard adds **${ms(p.pushRttMs)} ms** to a push call (CPU ${ms(p.pushCpuMs)} ms) and **${ms(p.revealRttMs)} ms** to a reveal call (CPU ${ms(p.revealCpuMs)} ms); at one shard the line gives ${ms(p.basePushRttMs)} and ${ms(p.baseRevealRttMs)} ms.`,
    );
  }
  if (r.reconnect.length > 0) {
    parts.push(
      "",
      "**Reconnect storm after a simulated deploy** (workerd restarted: every socket closed at once, every object cold; a question is pushed while everyone is away; then each client waits a uniform random part of its Welcome's `reconnect_window_ms`, counted from when workerd is up again, reconnects with its token, AUTHs and RESUMEs after its last sequence; back = welcomed and holding every notification up to the question; times from workerd being up):",
      "",
      table({
        header: [
          "sockets",
          "shards",
          "closed",
          "window ms",
          "restart ms",
          "back",
          "resumed",
          "live",
          "failures",
          "attempts retried",
          "gaps",
          "offered/s",
          "p50 back ms",
          "p99 back ms",
          "all back ms",
        ],
        rows: r.reconnect.map((c) => [
          fmtInt(c.n),
          String(c.shards),
          fmtInt(c.closed),
          fmtInt(c.windowMs),
          fmtInt(c.restartMs),
          fmtInt(c.back),
          fmtInt(c.resumed),
          fmtInt(c.live),
          String(c.failures),
          String(c.failedAttempts),
          String(c.gaps),
          fmtInt(c.offeredPerSec),
          fmtInt(c.backP50Ms),
          fmtInt(c.backP99Ms),
          fmtInt(c.allBackMs),
        ]),
      }),
    );
    const errs = r.reconnect.flatMap((c) => c.errors);
    if (errs.length > 0) parts.push("", `Errors seen: ${errs.slice(0, 5).join("; ")}`);
  }
  if ((r.errors ?? []).length > 0) parts.push("", `Cases that failed: ${r.errors.join("; ")}`);
  return parts.join("\n");
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
