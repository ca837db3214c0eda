// One workerd process through miniflare, loaded with liveroom's Worker (bundled by esbuild from
// wrangler.toml's main, through bench/worker/entry.ts) and the bindings wrangler.toml declares.
import { createWriteStream, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { build } from "esbuild";
import { Log, LogLevel, Miniflare, type MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

import { BENCH_SECRET } from "./tokens";

export const ROOT = join(import.meta.dirname, "..");

/** Bundles the bench Worker (liveroom's Worker plus the baseline rooms) the way wrangler does. */
export async function bundleWorker(): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, "bench/worker/entry.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser", "import"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

export interface Runtime {
  mf: Miniflare;
  /** http://127.0.0.1:<port> of workerd's own listener. */
  base: string;
  /**
   * A simulated deploy: workerd is stopped and started again with the same options (miniflare's
   * `setOptions`), so every socket of every object closes and every object starts cold; storage (D1,
   * the objects' SQLite, in miniflare's temporary directory) and the port are kept.
   */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** The class bound to LIVE_ROOM: "LiveRoom", or "CountedLiveRoom" for the wake-up count. */
  liveRoomClass?: "LiveRoom" | "CountedLiveRoom";
  /** Run the settlement Queue consumers (only the settlement scenario needs them). */
  consumers?: boolean;
  logFile: string;
  /** Open workerd's V8 inspector on this port (bench/profile.ts takes CPU profiles through it). */
  inspectorPort?: number;
}

type WorkerOpts = Parameters<typeof Miniflare.prototype.setOptions>[0] extends infer O
  ? O extends { workers: (infer W)[] }
    ? W
    : never
  : never;

export async function startRuntime(script: string, opts: RuntimeOptions): Promise<Runtime> {
  // wrangler.toml, read by wrangler itself: D1, the Durable Object, the Queue, vars.
  const { workerOptions: w } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const log = createWriteStream(opts.logFile, { flags: "a" });
  const sqlite = { useSQLite: true };
  const worker = {
    name: "liveroom",
    modules: [{ type: "ESModule" as const, path: join(ROOT, "bench-worker.mjs"), contents: script }],
    compatibilityDate: w.compatibilityDate,
    compatibilityFlags: w.compatibilityFlags,
    bindings: { ...(w.bindings as Record<string, string>), JWT_SECRET: BENCH_SECRET },
    d1Databases: w.d1Databases,
    queueProducers: w.queueProducers,
    ...(opts.consumers ? { queueConsumers: w.queueConsumers } : {}),
    durableObjects: {
      LIVE_ROOM: { className: opts.liveRoomClass ?? "LiveRoom", ...sqlite },
      BARE_ROOM: { className: "BareRoom", ...sqlite },
      PARTY_ROOM: { className: "PartyRoom", ...sqlite },
      PROBE_ROOM: { className: "ProbeRoom", ...sqlite },
    },
  } as WorkerOpts;
  const options: MiniflareOptions = {
    host: "127.0.0.1",
    port: 0,
    ...(opts.inspectorPort === undefined ? {} : { inspectorPort: opts.inspectorPort }),
    log: new Log(LogLevel.WARN),
    // No network: do not fetch the `Request.cf` placeholder from Cloudflare.
    cf: false,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.pipe(log, { end: false });
      stderr.pipe(log, { end: false });
    },
    workers: [worker],
  };
  const mf = new Miniflare(options);
  const url = await mf.ready;
  await applyMigrations(mf);
  return {
    mf,
    base: url.origin,
    async restart() {
      await mf.setOptions(options);
      const again = await mf.ready;
      if (again.origin !== url.origin)
        throw new Error(`workerd came back on ${again.origin}, not ${url.origin}`);
    },
    async dispose() {
      await mf.dispose();
      log.end();
    },
  };
}

/** drizzle-kit's SQL files, statement by statement (it separates them with a breakpoint marker). */
async function applyMigrations(mf: Miniflare): Promise<void> {
  const db = await mf.getD1Database("DB");
  const dir = join(ROOT, "migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(join(dir, file), "utf8")
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter((s) => s.replace(/--[^\n]*\n?/g, "").trim() !== "");
    for (const sql of statements) await db.prepare(sql).run();
  }
}
