// A local liveroom for the browser tests: `wrangler dev` on a free loopback port, with its own
// D1/Durable Object state in a temp folder (migrations applied) and its own JWT secret.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..", "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

export interface LocalServer {
  base: string;
  secret: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], timeoutMs: number): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, env: childEnv, encoding: "utf8", timeout: timeoutMs });
  if (r.status !== 0) {
    throw new Error(
      `${[cmd, ...args].join(" ")} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`,
    );
  }
}

async function waitForHealth(base: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${base}/healthz within ${timeoutMs} ms:\n${output()}`);
}

/** Builds the pages, migrates a fresh local D1 and starts `wrangler dev`; `stop()` tears it all down. */
export async function startServer(): Promise<LocalServer> {
  run(process.execPath, [join(ROOT, "scripts", "build-web.mjs"), "--quiet"], 60_000);
  const state = mkdtempSync(join(tmpdir(), "liveroom-e2e-"));
  run(WRANGLER, ["d1", "migrations", "apply", "liveroom", "--local", "--persist-to", state], 60_000);
  const port = await freePort();
  const inspector = await freePort();
  const secret = randomBytes(16).toString("hex");
  const base = `http://127.0.0.1:${port}`;
  let log = "";
  // Its own process group, so that stopping it also stops the workerd processes it runs.
  const child = spawn(
    WRANGLER,
    [
      "dev",
      ...["--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspector)],
      ...["--persist-to", state, "--var", `JWT_SECRET:${secret}`, "--show-interactive-dev-session=false"],
    ],
    { cwd: ROOT, env: childEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitForHealth(base, child, () => log, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, secret, stop };
}
