// `npm run bench` (quick pass) and `npm run bench -- --full`: one workerd through miniflare, the
// scenarios in order, then docs/benchmarks/results.md, chart.svg and results.json.
// --soak: the soak alone (issue 14; --n=5000 --shards=4 --soak-seconds=65), docs/benchmarks/soak.md.
// Options: --only=fanout,answers,rain,storm,probe,danmaku,settlement,settle-rain,wake,flood,shards  --runs=3  --concurrency=64
//          --n=2000 (one size for every scenario, for development)  --settle-events=10000 (scenario 6)
//          --out=docs/benchmarks  --report (re-render the markdown and chart from results.json)
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { Api } from "./admin";
import { type Ctx, clientProcesses } from "./context";
import { describeMachine } from "./machine";
import { Progress } from "./progress";
import { fanoutChart } from "./report/chart";
import { type AllResults, resultsMarkdown } from "./report/results";
import { bundleWorker, ROOT, startRuntime } from "./runtime";
import { answerBurst } from "./scenarios/answers";
import { danmakuScenario } from "./scenarios/danmaku";
import { fanout } from "./scenarios/fanout";
import { floodScenario } from "./scenarios/flood";
import { connectProbe, fanoutProbe } from "./scenarios/probe";
import { redPacketStorm } from "./scenarios/rain";
import { settlementRain, settlementScenario } from "./scenarios/settlement";
import { type ShardsPlan, shardsScenario } from "./scenarios/shards";
import { soakMarkdown, soakScenario } from "./scenarios/soak";
import { connectStorm } from "./scenarios/storm";
import { idleWakeups } from "./scenarios/wakeups";
import { wireSizes } from "./scenarios/wire";

const args = process.argv.slice(2);
const full = args.includes("--full");
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = flag("only")?.split(",");
const wanted = (s: string) => only === undefined || only.includes(s);
const outDir = join(ROOT, flag("out") ?? "docs/benchmarks");
const logFile = join(ROOT, "bench/.workerd.log");

/** The sizes of each pass: the quick one stays within a few minutes on 2 cores. */
const SIZES = flag("n")?.split(",").map(Number);
// Answers and rain at 1,000 / 2,500 / 5,000 players are also one shard's ceiling (issue 11).
const PASS = full
  ? {
      fanout: [1000, 2000, 5000],
      answers: [1000, 2500, 5000],
      rain: [1000, 2500, 5000],
      storm: [1000, 5000],
      danmaku: [1000, 5000],
      idle: 1000,
    }
  : {
      fanout: [1000, 2000],
      answers: [1000, 2500, 5000],
      rain: [1000, 2500, 5000],
      storm: [1000],
      danmaku: [1000],
      idle: 1000,
    };
const PLAN =
  SIZES === undefined
    ? PASS
    : { fanout: SIZES, answers: SIZES, rain: SIZES, storm: SIZES, danmaku: SIZES, idle: SIZES[0] ?? 1000 };
/** Scenario 8 (issue 11): the quick pass uses 2,000 sockets, the full one 5,000. */
const SHARDS: ShardsPlan = {
  n: SIZES?.[0] ?? (full ? 5000 : 2000),
  shardCounts: [1, 2, 4, 8],
  emptyShards: [1, 8, 32, 128],
  emptyRounds: full ? 10 : 5,
  reconnectN: SIZES?.[0] ?? (full ? 5000 : 2000),
  reconnectShards: [1, 8],
};

/** results.md, results.json and chart.svg in the output directory. */
function writeReport(results: AllResults): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "results.md"), resultsMarkdown(results));
  writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 1)}\n`);
  if (results.fanout !== null) {
    const bytes = results.fanout.cases[0]?.bytes ?? "?";
    writeFileSync(
      join(outDir, "chart.svg"),
      fanoutChart(results.fanout.cases, `Fan-out of one ${bytes}-byte question`),
    );
  }
}

// --report: re-render results.md and chart.svg from results.json (with the wire sizes recomputed).
if (args.includes("--report")) {
  const saved = JSON.parse(readFileSync(join(outDir, "results.json"), "utf8")) as AllResults;
  writeReport({ ...saved, wire: wireSizes() });
  process.exit(0);
}

const fdLimit = Number(execSync("ulimit -n", { shell: "/bin/sh" }).toString().trim());
const need = Math.max(...PLAN.fanout, ...PLAN.answers, ...PLAN.rain, SHARDS.n) * 2 + 1000;
if (Number.isFinite(fdLimit) && fdLimit < need) {
  process.stderr.write(
    `ulimit -n is ${fdLimit}; ${need} file descriptors are needed: run through npm run bench\n`,
  );
  process.exit(1);
}

const started = Date.now();
const progress = new Progress();
progress.scope("setup");
progress.step("bundling the Worker");
const script = await bundleWorker();
progress.step("starting workerd through miniflare");
// The soak settles through the real Queue consumer; the other scenarios of this runtime do not need it.
const rt = await startRuntime(script, { logFile, consumers: args.includes("--soak") });
const ctx: Ctx = {
  rt,
  api: await Api.create(rt.base),
  wsBase: rt.base.replace(/^http/, "ws"),
  progress,
  full,
  runs: Math.max(3, Number(flag("runs") ?? 3)),
  concurrency: Number(flag("concurrency") ?? 64),
};
// --soak (issue 14): the soak scenario alone, reported in docs/benchmarks/soak.md and soak.json.
if (args.includes("--soak")) {
  const machine = describeMachine();
  try {
    const soak = await soakScenario(ctx, {
      n: SIZES?.[0] ?? 5000,
      shards: Number(flag("shards") ?? 4),
      questions: 3,
      windowMs: 10_000,
      rainMs: 10_000,
      packets: 5_000,
      danmakuMs: Number(flag("soak-seconds") ?? 65) * 1000,
    });
    mkdirSync(outDir, { recursive: true });
    const where = `${machine.cores} cores (${machine.cpu}), Node ${machine.node}, workerd ${machine.workerd}, load ${machine.loadAtStart.join(" / ")} at the start`;
    writeFileSync(join(outDir, "soak.md"), soakMarkdown(soak, where, new Date(started).toISOString()));
    writeFileSync(join(outDir, "soak.json"), `${JSON.stringify({ machine, soak }, null, 1)}\n`);
    progress.done(
      `${soak.seconds.toFixed(0)} s; settlement lost ${soak.settlement.lost}, reconciliation ${soak.settlement.ok ? "ok" : "NOT ok"}; wrote ${outDir}/soak.md`,
    );
  } finally {
    await rt.dispose();
  }
  process.exit(0);
}

const results: AllResults = {
  pass: full ? "full" : "quick",
  startedAt: new Date(started).toISOString(),
  minutes: 0,
  machine: describeMachine(),
  loadAtEnd: [],
  runs: ctx.runs,
  concurrency: ctx.concurrency,
  clientProcesses: `${clientProcesses(Math.max(...PLAN.fanout))} process(es) at the largest N (one per 2,500 sockets), separate from the runner`,
  fanout: null,
  answers: null,
  rain: null,
  storm: null,
  probe: null,
  fanoutProbe: null,
  danmaku: null,
  settlement: null,
  settlementRain: null,
  wake: null,
  flood: null,
  shards: null,
  wire: wireSizes(),
  extra: [],
  errors: [],
};

/** Runs one scenario; a failure is reported with the results instead of ending the pass. */
async function scenario<T>(name: string, run: () => Promise<T>): Promise<T | null> {
  if (!wanted(name)) return null;
  try {
    return await run();
  } catch (err) {
    progress.warn(`${name} failed: ${String(err)}`);
    results.errors.push({ scenario: name, message: String(err) });
    return null;
  }
}

try {
  results.fanout = await scenario("fanout", () => fanout(ctx, PLAN.fanout));
  results.answers = await scenario("answers", () => answerBurst(ctx, PLAN.answers));
  results.rain = await scenario("rain", () => redPacketStorm(ctx, PLAN.rain));
  results.storm = await scenario("storm", () => connectStorm(ctx, PLAN.storm));
  // The probes explain the figures above; the quick pass leaves them out unless asked for.
  if (full || only?.includes("probe")) {
    results.probe = await scenario("probe", () => connectProbe(ctx, 1000));
    results.fanoutProbe = await scenario("probe", () => fanoutProbe(ctx, 2000, 10));
  }
  results.danmaku = await scenario("danmaku", () => danmakuScenario(ctx, PLAN.danmaku));
  // Issue 11: the same sockets as 1 room and as N shards, the per-shard cost, the reconnect storm
  // (last: it restarts workerd).
  results.shards = await scenario("shards", () => shardsScenario(ctx, SHARDS));
  // Issue 12 item 1: 44,000 frames from one tokenless socket against 3 and 200 honest answers.
  if (full || only?.includes("flood")) {
    results.flood = await scenario("flood", () => floodScenario(ctx, [3, 200], 44_000, [500, 44_000]));
  }
} finally {
  await rt.dispose();
}
// Event counts whose messages (one in 20 sent twice) fill whole Queue batches of 100: a partial last
// batch would wait max_batch_timeout (1 s) and count as settling time.
results.settlement = await scenario("settlement", () =>
  settlementScenario(ctx, script, logFile, Number(flag("settle-events") ?? (full ? 10_000 : 4_000))),
);
if (full || only?.includes("settle-rain")) {
  results.settlementRain = await scenario("settle-rain", () => settlementRain(ctx, script, logFile, 100_000));
}
results.wake = await scenario("wake", () => idleWakeups(ctx, script, logFile, PLAN.idle));

results.minutes = (Date.now() - started) / 60_000;
results.loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
writeReport(results);
progress.scope("done");
progress.done(`${results.minutes.toFixed(1)} min; wrote ${outDir}/results.md, chart.svg, results.json`);
