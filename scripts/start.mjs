// `npm start`: a local liveroom on http://127.0.0.1:8787 with D1 migrated, demo data seeded and
// ready-to-use tokens printed. Runs `wrangler dev` until Ctrl-C (or SIGTERM), which it forwards.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sign } from "hono/jwt";
import {
  DEMO_ADMIN,
  DEMO_BANK,
  DEMO_COINS,
  DEMO_GIFTS,
  DEMO_HOST,
  DEMO_USERS,
  demoActivity,
} from "./demo-data.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;
const TOKEN_TTL_SEC = 24 * 3600;
// Quiet wrangler's telemetry prompt; it has nothing to ask on a dev machine.
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: "false" };

function step(message) {
  console.log(`\x1b[36m[liveroom]\x1b[0m ${message}`);
}

function fail(message) {
  console.error(`\x1b[31m[liveroom]\x1b[0m ${message}`);
  process.exit(1);
}

/** JWT_SECRET from .dev.vars, created from the example on the first run. */
function devSecret() {
  const vars = join(root, ".dev.vars");
  if (!existsSync(vars)) {
    copyFileSync(join(root, ".dev.vars.example"), vars);
    step("created .dev.vars from .dev.vars.example");
  }
  const line = readFileSync(vars, "utf8")
    .split("\n")
    .find((l) => /^\s*JWT_SECRET\s*=/.test(l));
  const secret = line
    ?.slice(line.indexOf("=") + 1)
    .trim()
    .replace(/^"(.*)"$/, "$1");
  if (!secret) fail(".dev.vars has no JWT_SECRET");
  return secret;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: childEnv });
  if (r.status !== 0) fail(`${[cmd, ...args].join(" ")} failed (${r.status ?? r.signal})`);
}

async function waitForHealth(child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`wrangler dev exited (${child.exitCode}) before it was ready`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  fail(`no answer from ${base}/healthz after ${timeoutMs / 1000} s`);
}

async function api(method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function seed(adminToken) {
  for (const user of DEMO_USERS) {
    const r = await api("POST", "/api/admin/users", adminToken, user);
    if (r.status !== 200) fail(`seeding user ${user.id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const r = await api("POST", "/api/admin/activities", adminToken, demoActivity(Date.now(), base));
  // 409: seeded by an earlier run, which is what idempotent seeding wants.
  if (r.status !== 201 && r.status !== 409) fail(`seeding activity: ${r.status} ${JSON.stringify(r.body)}`);
  step(r.status === 201 ? "seeded the demo activity and users" : "demo data already there");
  // Gifts need a catalog, a host to receive them and coins to pay with; all three are idempotent.
  const extras = [
    ...DEMO_GIFTS.map((gift) => ["POST", "/api/admin/gifts", gift]),
    ["PUT", "/api/admin/activities/demo/host", { hostId: DEMO_HOST.id }],
    ...DEMO_USERS.map((u) => [
      "POST",
      "/api/admin/coins",
      { userId: u.id, coins: DEMO_COINS, key: `demo:${u.id}` },
    ]),
  ];
  for (const [method, path, body] of extras) {
    const res = await api(method, path, adminToken, body);
    if (res.status >= 300) fail(`seeding ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  step(`gift catalog, demo host and ${DEMO_COINS} coins per demo viewer ready`);
  // The question bank: each question once (409: an earlier run stored it).
  let added = 0;
  for (const question of DEMO_BANK) {
    const res = await api("POST", "/api/admin/bank/questions", adminToken, question);
    if (res.status !== 201 && res.status !== 409)
      fail(`seeding the question bank: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.status === 201) added++;
  }
  step(`question bank: ${DEMO_BANK.length} demo questions (${added} added now)`);
}

async function tokens(secret) {
  const exp = Math.floor(Date.now() / 1000) + TOKEN_TTL_SEC;
  const mint = (sub, role, name) => sign({ sub, role, exp, name }, secret, "HS256");
  const out = [];
  for (const u of DEMO_USERS)
    out.push({ who: `${u.id} (viewer)`, token: await mint(u.id, "viewer", u.name) });
  out.push({ who: "host", token: await mint(DEMO_HOST.id, "host", DEMO_HOST.name) });
  out.push({ who: "admin", token: await mint(DEMO_ADMIN.id, "admin", DEMO_ADMIN.name) });
  return out;
}

function banner(list) {
  const admin = list.find((t) => t.who === "admin").token;
  const host = list.find((t) => t.who === "host").token;
  const lines = [
    "",
    "liveroom is running",
    `  HTTP API     ${base}/api   (health: ${base}/healthz)`,
    `  demo room    ${base.replace("http", "ws")}/rooms/demo/ws?token=<viewer token>`,
    "",
    `Tokens (HS256, valid ${TOKEN_TTL_SEC / 3600} h, signed with JWT_SECRET from .dev.vars):`,
    ...list.map((t) => `  ${t.who.padEnd(15)} ${t.token}`),
    "",
    "Open in a browser (one tab each; the viewer page is made for a phone-sized window):",
    ...list
      .filter((t) => t.who.endsWith("(viewer)"))
      .map((t) => `  ${t.who.padEnd(15)} ${base}/?room=demo&token=${t.token}`),
    `  host console    ${base}/host.html?room=demo&token=${admin}`,
    "",
    "Try:",
    `  curl -H "Authorization: Bearer ${admin}" ${base}/api/admin/activities/demo`,
    `  curl -X POST -H "Authorization: Bearer ${host}" ${base}/api/rooms/demo/open`,
    "",
    "Ctrl-C stops the server.",
    "",
  ];
  console.log(lines.join("\n"));
}

const secret = devSecret();
if (!existsSync(join(root, "schema", "generated", "live.js")))
  run("node", [join(root, "scripts", "gen-proto.mjs")]);
step("building the viewer page and host console (web/dist)");
run("node", [join(root, "scripts", "build-web.mjs"), "--quiet"]);
step("applying D1 migrations (local)");
run(wrangler, ["d1", "migrations", "apply", "liveroom", "--local"]);

step(`starting wrangler dev on ${base}`);
// Its own process group, so that stopping it also stops the workerd processes it runs.
const child = spawn(
  wrangler,
  ["dev", "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false"],
  { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: childEnv, detached: true },
);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopping = true;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  });
}
child.on("exit", (code, signal) => {
  if (!stopping) console.error(`[liveroom] wrangler dev exited (${code ?? signal})`);
  process.exit(stopping ? 0 : (code ?? 1));
});

await waitForHealth(child, 90_000);
const list = await tokens(secret);
await seed(list.find((t) => t.who === "admin").token);
banner(list);
