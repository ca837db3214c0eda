// Scenario 1, fan-out: N sockets in one room, one question pushed; the time from the push until
// each socket has it. The same N and the same bytes against three baselines.
import { benchActivity } from "../admin";
import { startWsBaseline } from "../baselines/ws-process";
import { ClientPool } from "../clients/pool";
import type { OpenResult } from "../clients/protocol";
import { armAll, closeAll, collectAll, openAll } from "../clients/ops";
import { now } from "../clients/socks";
import { type Ctx, clientProcesses, userIds } from "../context";
import { type Over, overRuns, type Spread, spread } from "../stats";

export type TargetName = "liveroom" | "bare DO" | "partyserver" | "plain ws";
export const TARGETS: readonly TargetName[] = ["liveroom", "bare DO", "partyserver", "plain ws"];

export interface FanoutCase {
  n: number;
  target: TargetName;
  bytes: number;
  runs: Spread[];
  missed: number;
  /** The first socket: the fixed cost of a push before the loop over sockets. */
  first: Over;
  p50: Over;
  p99: Over;
  max: Over;
  connect: { opened: number; failed: number; ms: number };
}

export interface FanoutResult {
  cases: FanoutCase[];
  /** The reveal that follows each liveroom question, measured the same way. */
  reveals: FanoutCase[];
}

interface Target {
  open(pool: ClientPool): Promise<OpenResult>;
  /** Sends broadcast `round` (0 is the warm-up); resolves when the server answered. */
  push(round: number): Promise<void>;
  /** liveroom only: the reveal after each question, measured as a second broadcast. */
  reveal?(round: number): Promise<void>;
  stop(): Promise<void>;
}

const SETTLE_MS = 300;

export async function fanout(ctx: Ctx, ns: readonly number[]): Promise<FanoutResult> {
  const result: FanoutResult = { cases: [], reveals: [] };
  for (const n of ns) {
    let questionBytes: Uint8Array | null = null;
    for (const name of TARGETS) {
      ctx.progress.scope(`fan-out · ${name} · N=${n}`);
      const pool = ClientPool.start(clientProcesses(n));
      try {
        const target = await makeTarget(ctx, name, n, questionBytes);
        const { measured, reveals, sample } = await measure(ctx, pool, target, n);
        if (name === "liveroom") questionBytes = sample;
        result.cases.push(measured);
        if (reveals !== null) result.reveals.push(reveals);
        measured.target = name;
        ctx.progress.done(
          `last socket ${measured.max.median.toFixed(1)} ms, p99 ${measured.p99.median.toFixed(1)} ms (${measured.bytes} B)`,
        );
        await target.stop();
      } finally {
        await pool.stop();
      }
    }
  }
  return result;
}

async function measure(ctx: Ctx, pool: ClientPool, target: Target, n: number) {
  ctx.progress.step(`opening ${n} sockets`);
  const opened = await target.open(pool);
  if (opened.failed > 0) ctx.progress.warn(`${opened.failed} sockets failed: ${opened.errors.join("; ")}`);
  const runs: Spread[] = [];
  const revealRuns: Spread[] = [];
  let missed = 0;
  let sample = new Uint8Array();
  let revealBytes = 0;
  const timeoutMs = 15_000;
  for (let round = 0; round <= ctx.runs; round++) {
    ctx.progress.step(round === 0 ? "warm-up" : `run ${round}/${ctx.runs}`);
    await armAll(pool);
    const t0 = now();
    await target.push(round);
    const got = await collectAll(pool, timeoutMs);
    const lat = got.arrivals.filter(Number.isFinite).map((t) => t - t0);
    if (round > 0) {
      runs.push(spread(lat));
      missed += got.arrivals.length - lat.length;
    }
    sample = Uint8Array.from(Buffer.from(got.sampleB64, "base64"));
    if (target.reveal !== undefined) {
      await sleep(SETTLE_MS);
      await armAll(pool);
      const r0 = now();
      await target.reveal(round);
      const rev = await collectAll(pool, timeoutMs);
      if (round > 0) revealRuns.push(spread(rev.arrivals.filter(Number.isFinite).map((t) => t - r0)));
      revealBytes = rev.bytes;
    }
    await sleep(SETTLE_MS);
  }
  await closeAll(pool);
  const summarize = (rs: Spread[], bytes: number, miss: number): FanoutCase => ({
    n,
    target: "liveroom",
    bytes,
    runs: rs,
    missed: miss,
    first: overRuns(rs.map((r) => r.min)),
    p50: overRuns(rs.map((r) => r.p50)),
    p99: overRuns(rs.map((r) => r.p99)),
    max: overRuns(rs.map((r) => r.max)),
    connect: { opened: opened.opened, failed: opened.failed, ms: opened.elapsedMs },
  });
  return {
    measured: summarize(runs, sample.length, missed),
    reveals: revealRuns.length > 0 ? summarize(revealRuns, revealBytes, 0) : null,
    sample,
  };
}

async function makeTarget(ctx: Ctx, name: TargetName, n: number, bytes: Uint8Array | null): Promise<Target> {
  const tag = `${n}-${Date.now().toString(36)}`;
  const open = (base: string, path: string, users: string[] | null) => (pool: ClientPool) =>
    openAll(pool, {
      wsBase: base.replace(/^http/, "ws"),
      path,
      users,
      n,
      concurrency: ctx.concurrency,
      timeoutMs: 120_000,
    });
  if (name === "liveroom") {
    const id = `fan-${tag}`;
    await ctx.api.createActivity(benchActivity(id, { questions: ctx.runs + 1 }));
    return {
      open: async (pool) => {
        const r = await open(ctx.rt.base, `/rooms/${id}/ws`, userIds(`f${tag}`, n))(pool);
        // ROOM_OPENED goes to everyone: drain it before the first measured push.
        await armAll(pool);
        await ctx.api.control(id, "open");
        await collectAll(pool, 15_000);
        return r;
      },
      push: async (round) => void (await ctx.api.control(id, `questions/${round}/push`)),
      reveal: async (round) => void (await ctx.api.control(id, `questions/${round}/reveal`)),
      stop: async () => {},
    };
  }
  if (bytes === null || bytes.length === 0)
    throw new Error("the baselines need liveroom's question bytes first");
  const post = (url: string) => async () => {
    const res = await fetch(url, { method: "POST", body: bytes });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  };
  if (name === "plain ws") {
    const ws = await startWsBaseline();
    return { open: open(ws.base, "/", null), push: post(`${ws.base}/broadcast`), stop: ws.stop };
  }
  const kind = name === "bare DO" ? "bare" : "party";
  const path = `/bench/${kind}/fan-${tag}`;
  return {
    open: open(ctx.rt.base, `${path}/ws`, null),
    push: post(`${ctx.rt.base}${path}`),
    stop: async () => {},
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
