// CPU profiles of the room through workerd's V8 inspector, printed as self time by function:
//   npx tsx bench/profile.ts fanout [N] [pushes]  liveroom pushes, then bare DO broadcasts, to N sockets
//   npx tsx bench/profile.ts answers [N]          N players answering within one second
//   npx tsx bench/profile.ts grabs [N]            N players tapping through a 10 s rain
import { WebSocket } from "ws";
import { Api, benchActivity } from "./admin";
import { armAll, closeAll, collectAll, openAll } from "./clients/ops";
import { ClientPool } from "./clients/pool";
import { now } from "./clients/socks";
import { userIds } from "./context";
import { bundleWorker, startRuntime } from "./runtime";
import { spread } from "./stats";

const what = process.argv[2] ?? "fanout";
const n = Number(process.argv[3] ?? 2000);
const pushes = Number(process.argv[4] ?? 10);
const INSPECTOR = 9333;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

class Inspector {
  #id = 0;
  readonly #waiting = new Map<number, (v: unknown) => void>();
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (msg.id !== undefined) this.#waiting.get(msg.id)?.(msg.result);
    });
  }
  static async connect(target: string): Promise<Inspector> {
    const ws = new WebSocket(`ws://127.0.0.1:${INSPECTOR}/${target}`);
    await new Promise((r, j) => ws.once("open", r).once("error", j));
    return new Inspector(ws);
  }
  call<T>(method: string, params: object = {}): Promise<T> {
    const id = ++this.#id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((r) => this.#waiting.set(id, r as (v: unknown) => void));
  }
}

function selfTime(p: Profile, top = 15): string[] {
  const total = p.nodes.reduce((s, x) => s + (x.hitCount ?? 0), 0);
  const by = new Map<string, number>();
  for (const x of p.nodes) {
    const f = x.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop() ?? ""}:${f.lineNumber + 1}`;
    by.set(name, (by.get(name) ?? 0) + (x.hitCount ?? 0));
  }
  const ms = (p.endTime - p.startTime) / 1000;
  return [
    `  ${total} samples over ${ms.toFixed(0)} ms`,
    ...[...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`),
  ];
}

const rt = await startRuntime(await bundleWorker(), {
  logFile: "/tmp/liveroom-profile.log",
  inspectorPort: INSPECTOR,
});
const inspector = await Inspector.connect("core:user:liveroom");
await inspector.call("Profiler.enable");
await inspector.call("Profiler.setSamplingInterval", { interval: 100 });
const api = await Api.create(rt.base);
const pool = ClientPool.start(1);
const wsBase = rt.base.replace(/^http/, "ws");
async function profiled(name: string, work: () => Promise<string>): Promise<void> {
  await inspector.call("Profiler.start");
  const figures = await work();
  const { profile } = await inspector.call<{ profile: Profile }>("Profiler.stop");
  console.log(`${name}, N=${n}: ${figures}`);
  console.log(selfTime(profile, 25).join("\n"));
}

async function answers(): Promise<void> {
  const id = `profa-${Date.now().toString(36)}`;
  await api.createActivity(benchActivity(id, { questions: 1 }));
  await openAll(pool, {
    wsBase,
    path: `/rooms/${id}/ws`,
    users: userIds(`pa${id}`, n),
    n,
    concurrency: 64,
    timeoutMs: 60_000,
  });
  await api.control(id, "open");
  await pool.send(0, {
    cmd: "answerArm",
    question: 0,
    option: 1,
    offsetsMs: Array.from({ length: n }, () => Math.random() * 1000),
    duplicates: [],
  });
  await profiled("answers in one second", async () => {
    await api.control(id, "questions/0/push");
    const r = await pool.send(0, { cmd: "answerWait", timeoutMs: 30_000 });
    const lat = r.records.map((x) => x.recvAt - x.sentAt);
    const s = spread(lat);
    return `${r.records.length} answered, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`;
  });
}

async function grabs(): Promise<void> {
  const id = `profg-${Date.now().toString(36)}`;
  const rain = { totalCents: 2_000_000, count: 20_000, targetTapsPerSec: 1000, durationMs: 10_000, seed: id };
  await api.createActivity(benchActivity(id, { questions: 1, rains: [rain] }));
  await openAll(pool, {
    wsBase,
    path: `/rooms/${id}/ws`,
    users: userIds(`pg${id}`, n),
    n,
    concurrency: 64,
    timeoutMs: 60_000,
  });
  await api.control(id, "open");
  await pool.send(0, { cmd: "grabArm", rain: 0, tapHz: 5, maxMs: 15_000 });
  await profiled("a 10 s rain", async () => {
    await api.control(id, "rains/0/start");
    const r = await pool.send(0, { cmd: "grabWait", timeoutMs: 15_000 });
    const s = spread(r.records.map((x) => x.recvAt - x.sentAt));
    return `${r.records.length} grabs, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`;
  });
}

try {
  if (what === "answers") await answers();
  else if (what === "grabs") await grabs();
  else await fanoutSeries();
} finally {
  inspector.ws.close();
  await pool.stop();
  await rt.dispose();
}

async function fanoutSeries(): Promise<void> {
  const id = `prof-${Date.now().toString(36)}`;
  await api.createActivity(benchActivity(id, { questions: pushes }));
  const series: [string, string, (k: number) => Promise<unknown>][] = [
    ["liveroom push", `/rooms/${id}/ws`, (k) => api.control(id, `questions/${k}/push`)],
    [
      "bare DO broadcast",
      `/bench/bare/${id}/ws`,
      () => fetch(`${rt.base}/bench/bare/${id}`, { method: "POST", body: new Uint8Array(125) }),
    ],
  ];
  for (const [name, path, push] of series) {
    const live = name.startsWith("liveroom");
    await openAll(pool, {
      wsBase,
      path,
      users: live ? userIds(`p${id}`, n) : null,
      n,
      concurrency: 64,
      timeoutMs: 60_000,
    });
    if (live) await api.control(id, "open");
    await new Promise((r) => setTimeout(r, 500));
    await inspector.call("Profiler.start");
    const last: number[] = [];
    for (let k = 0; k < pushes; k++) {
      await armAll(pool);
      const t0 = now();
      await push(k);
      last.push(spread((await collectAll(pool, 10_000)).arrivals.map((t) => t - t0)).max);
      if (live) await api.control(id, `questions/${k}/reveal`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { profile } = await inspector.call<{ profile: Profile }>("Profiler.stop");
    console.log(`${name}, N=${n}: last socket ${last.map((x) => x.toFixed(0)).join(" ")} ms`);
    console.log(selfTime(profile).join("\n"));
    await closeAll(pool);
  }
}
