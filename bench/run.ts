// `npm run bench` (quick pass) and `npm run bench -- --full`: starts one workerd through
// miniflare, runs the scenarios in order and writes docs/benchmarks/.
import { Api } from "./admin";
import type { Ctx } from "./context";
import { Progress } from "./progress";
import { bundleWorker, ROOT, startRuntime } from "./runtime";
import { fanout } from "./scenarios/fanout";
import { answerBurst } from "./scenarios/answers";
import { redPacketStorm } from "./scenarios/rain";
import { connectStorm } from "./scenarios/storm";
import { idleWakeups } from "./scenarios/wakeups";
import { join } from "node:path";

const args = process.argv.slice(2);
const full = args.includes("--full");
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const progress = new Progress();
progress.scope("setup");
progress.step("bundling the Worker");
const script = await bundleWorker();
const rt = await startRuntime(script, { logFile: join(ROOT, "bench/.workerd.log") });
const ctx: Ctx = {
  rt,
  api: await Api.create(rt.base),
  wsBase: rt.base.replace(/^http/, "ws"),
  progress,
  full,
  runs: Number(flag("runs") ?? 3),
  concurrency: Number(flag("concurrency") ?? 64),
};
try {
  const ns = (flag("n") ?? (full ? "1000,2000,5000" : "1000,2000")).split(",").map(Number);
  if (flag("only") === "wake") {
    const a = await idleWakeups(ctx, script, join(ROOT, "bench/.workerd.log"), ns[0]!);
    console.log(JSON.stringify(a));
  } else if (flag("only") === "storm") {
    const a = await connectStorm(ctx, ns);
    console.log(JSON.stringify(a));
  } else if (flag("only") === "rain") {
    const a = await redPacketStorm(ctx, ns);
    console.log(JSON.stringify(a));
  } else if (flag("only") === "answers") {
    const a = await answerBurst(ctx, ns);
    console.log(JSON.stringify(a.map((c) => ({ ...c, runs: c.runs }))));
  } else {
    const r = await fanout(ctx, ns);
    console.log(
      JSON.stringify(
        r.cases.map((c) => ({
          n: c.n,
          t: c.target,
          b: c.bytes,
          p50: c.p50,
          p99: c.p99,
          max: c.max,
          missed: c.missed,
          connect: c.connect,
        })),
        null,
        0,
      ),
    );
    console.log(
      JSON.stringify(
        r.reveals.map((c) => ({ n: c.n, b: c.bytes, max: c.max })),
        null,
        0,
      ),
    );
  }
} finally {
  await rt.dispose();
}
