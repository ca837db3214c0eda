// Generates static protobuf code from schema/live.proto into schema/generated/.
// Static code because protobufjs reflection compiles code from strings, which workerd forbids.
// Runs on `npm ci` (prepare) and before tests, so the generated code never drifts from the .proto.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "schema", "generated");
const bin = (name) => join(root, "node_modules", ".bin", name);
mkdirSync(out, { recursive: true });

const js = join(out, "live.js");
execFileSync(
  bin("pbjs"),
  [
    "-t",
    "static-module",
    "-w",
    "es6",
    "--force-number",
    "--no-verify",
    "--no-convert",
    "--no-delimited",
    "--no-typeurl",
    "--no-service",
    "-o",
    js,
    join(root, "schema", "live.proto"),
  ],
  { stdio: "inherit" },
);
// pbjs emits a bare "protobufjs/minimal" specifier; ESM resolution on Node needs the file name.
writeFileSync(
  js,
  readFileSync(js, "utf8").replace('from "protobufjs/minimal"', 'from "protobufjs/minimal.js"'),
);
execFileSync(bin("pbts"), ["--no-comments", "-o", join(out, "live.d.ts"), js], { stdio: "inherit" });
