// Builds the viewer page, the host console (and its question bank) and the API reference into web/dist,
// which the Worker serves as static assets (wrangler.toml [assets]). The SDK is bundled in; web/dist is
// generated, never committed. Runs in `npm start`, before the tests, and as `npm run build:web`.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const dist = join(web, "dist");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(join(web, "public"), dist, { recursive: true });

await build({
  entryPoints: {
    viewer: join(web, "src", "viewer", "main.ts"),
    host: join(web, "src", "host", "main.ts"),
    // The host console's question bank screen, and the HTTP API's reference page.
    bank: join(web, "src", "host", "bank", "main.ts"),
    api: join(web, "src", "api", "main.ts"),
  },
  outdir: dist,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  // hls.js without what the pages never use (subtitles, alternate audio, DRM): about half the size.
  alias: { "hls.js": "hls.js/light" },
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});
if (!process.argv.includes("--quiet")) console.log(`[liveroom] built the web pages into ${dist}`);
