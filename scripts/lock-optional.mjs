// Restores the optional platform packages that `npm install` leaves out of package-lock.json when
// the registry it reached has no such version (here: the macOS, Windows and Android builds of
// biome and workerd). `npm ci` refuses a lock that lacks them ("Missing: … from lock file"), while
// with an entry it skips the package on a platform that does not match, as it would anyway.
// Run after changing dependencies: `npm install && node scripts/lock-optional.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORM = [
  [/darwin/, { os: ["darwin"] }],
  [/win32|windows/, { os: ["win32"] }],
  [/android/, { os: ["android"] }],
  [/linux/, { os: ["linux"] }],
];
const CPU = [
  [/arm64/, ["arm64"]],
  [/x64|-64$/, ["x64"]],
];

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const added = [];
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${where === "" ? "" : `${where}/`}node_modules/${name}`;
    // Platform builds are pinned to exact versions; a range is an ordinary optional dependency.
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version) || resolves(where, name, version)) continue;
    const platform = PLATFORM.find(([re]) => re.test(name))?.[1] ?? {};
    const cpu = CPU.find(([re]) => re.test(name))?.[1];
    lock.packages[nested] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
      ...(cpu ? { cpu } : {}),
      ...(/musl/.test(name) ? { libc: ["musl"] } : {}),
    };
    added.push(`${name}@${version}`);
  }
}
/** Whether Node's lookup from `where` (its own node_modules, then each parent's) finds name@version. */
function resolves(where, name, version) {
  for (let dir = where; ; ) {
    const found = lock.packages[`${dir === "" ? "" : `${dir}/`}node_modules/${name}`];
    if (found) return found.version === version;
    if (dir === "") return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut === -1 ? "" : dir.slice(0, cut);
  }
}

lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length === 0 ? "lock complete" : `added to the lock: ${added.join(", ")}`);
