// `npm run sim -- --seeds 1000 [--from S] [--shards N] [--chunk C] [--parallel P] [--minutes M]`: the fault simulation (issue 14,
// docs/reliability.md). Runs seeds S … S+seeds−1 in workerd (vitest project "sim", test/sim), `chunk`
// seeds per workerd process so memory stays flat; shows progress, stops at the first violation with
// the seed and its replay command, and ends with a summary table (also written to
// test-results/sim-summary.json; the whole output to test-results/sim.log).
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const v = args[i].includes("=") ? args[i].split("=")[1] : args[i + 1];
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} wants a number, got ${v}`);
  return n;
};
const seeds = Math.floor(opt("seeds", 100));
const from = Math.floor(opt("from", 1));
const shards = Math.max(1, Math.floor(opt("shards", 3)));
const chunk = Math.max(1, Math.floor(opt("chunk", 50)));
// Seeds played at once in one workerd (each its own room); a replay of one seed plays it alone.
const parallel = Math.max(1, Math.floor(opt("parallel", 3)));
// --minutes M: start no seed after M minutes (the seed running then is stopped, and not counted).
const budgetMs = opt("minutes", 0) * 60_000;
let stopped = null;
let current = null;
mkdirSync("test-results", { recursive: true });
const logFile = "test-results/sim.log";
writeFileSync(logFile, "");

const started = Date.now();
const done = [];
const faults = {};
let failure = null;
const tty = process.stdout.isTTY;
const fmt = (n) => n.toLocaleString("en-US");
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function progress(f) {
  const total = Object.values(faults).reduce((s, n) => s + n, 0);
  const line = `seed ${done.length}/${seeds} (#${f.seed}, ${f.players} players, ${(f.ms / 1000).toFixed(1)} s) · faults ${fmt(total)} · ${elapsed()}`;
  if (tty) process.stdout.write(`\r\x1b[K${line}`);
  else if (done.length % 10 === 0 || done.length === seeds) process.stdout.write(`${line}\n`);
}

/** Runs seeds [first, first+count) in one vitest process; resolves with its exit code. */
function runChunk(first, count) {
  return new Promise((resolve) => {
    const child = spawn("npx", ["vitest", "run", "--project", "sim", "--bail=1"], {
      env: {
        ...process.env,
        LIVEROOM_SIM: "1",
        SIM_FROM: String(first),
        SIM_SEEDS: String(count),
        SIM_SHARDS: String(shards),
        SIM_PARALLEL: String(parallel),
        FORCE_COLOR: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    current = child;
    const timer =
      budgetMs > 0
        ? setInterval(() => {
            if (Date.now() - started < budgetMs) return;
            stopped ??= `the ${budgetMs / 60_000}-minute budget ran out`;
            stop();
          }, 1_000)
        : null;
    let buffer = "";
    const onData = (data) => {
      appendFileSync(logFile, data);
      buffer += data.toString();
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf("\n");
        const at = line.indexOf("@@sim");
        if (at < 0) continue;
        if (line.startsWith("@@sim-fail ", at)) {
          failure ??= JSON.parse(line.slice(at + "@@sim-fail ".length));
        } else if (line.startsWith("@@sim ", at)) {
          const f = JSON.parse(line.slice(at + "@@sim ".length));
          done.push(f);
          for (const [k, n] of Object.entries(f.faults)) faults[k] = (faults[k] ?? 0) + n;
          progress(f);
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d) => appendFileSync(logFile, d));
    child.on("close", (code) => {
      if (timer !== null) clearInterval(timer);
      current = null;
      resolve(code ?? 1);
    });
  });
}

/** Ends the running vitest (its whole process group: vitest and its workerd). */
function stop() {
  if (current?.pid !== undefined) {
    try {
      process.kill(-current.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    stopped ??= `stopped by ${sig}`;
    stop();
  });
}

process.stdout.write(
  `fault simulation: seeds ${from}…${from + seeds - 1}, ${shards} shards, ${chunk} seeds per workerd, ${parallel} at a time\n`,
);
for (let first = from; first < from + seeds && failure === null && stopped === null; first += chunk) {
  const count = Math.min(chunk, from + seeds - first);
  const before = done.length;
  const code = await runChunk(first, count);
  if (stopped === null && failure === null && (code !== 0 || done.length - before !== count)) {
    failure = {
      seed: first + (done.length - before),
      shards,
      error: `vitest exited ${code} after ${done.length - before} of ${count} seeds (see ${logFile})`,
      replay: `npm run sim -- --from ${first + (done.length - before)} --seeds 1 --shards ${shards}`,
    };
  }
}
if (tty) process.stdout.write("\n");

const sum = (k) => done.reduce((s, f) => s + f[k], 0);
const minutes = (Date.now() - started) / 60_000;
const slowest = done.reduce((m, f) => (m === null || f.ms > m.ms ? f : m), null);
const rows = [
  ["seeds run", fmt(done.length)],
  ["shards per room", String(shards)],
  ["players", fmt(sum("players"))],
  ...Object.entries(faults)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => [`faults: ${k}`, fmt(n)]),
  ["faults in all", fmt(Object.values(faults).reduce((s, n) => s + n, 0))],
  ["gathers refused SHARD_UNAVAILABLE and retried", fmt(sum("refusals"))],
  ["players resumed after a drop or a deploy", fmt(sum("resumes"))],
  ["replayed notifications already received live (dropped by the SDK's sequence)", fmt(sum("overlaps"))],
  ["events", fmt(sum("events"))],
  ["cents moved", fmt(sum("centsMoved"))],
  ["violations", failure === null ? "0" : "1 (stopped)"],
  ...(stopped === null ? [] : [["stopped early", `${stopped} after ${done.length} of ${seeds} seeds`]]),
  [
    "time",
    `${minutes.toFixed(1)} min (${done.length > 0 ? (sum("ms") / done.length / 1000).toFixed(1) : "-"} s a seed; slowest #${slowest?.seed ?? "-"} ${slowest ? (slowest.ms / 1000).toFixed(1) : "-"} s)`,
  ],
];
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`);
writeFileSync(
  "test-results/sim-summary.json",
  `${JSON.stringify({ from, seeds, shards, done: done.length, faults, minutes, failure, stopped, perSeed: done }, null, 1)}\n`,
);
if (failure !== null) {
  process.stdout.write(
    `\nVIOLATION at seed ${failure.seed} (${failure.shards} shards): ${failure.error}\nreplay: ${failure.replay}\n`,
  );
  process.exit(1);
}
