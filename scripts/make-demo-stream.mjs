// Makes the demo's HLS stream, web/public/stream/ (committed: 60 s, about 160 KB, so `npm start` and
// the tests need no ffmpeg). Run again only to change it: `node scripts/make-demo-stream.mjs`
// (needs Debian's ffmpeg: `apt-get install -y ffmpeg`).
//
// ffmpeg's test pattern (its counter shows the second) at 320×180, 10 fps, H.264 baseline in fMP4
// segments of 2 s, no audio. ffmpeg stamps EXT-X-PROGRAM-DATE-TIME with the time it ran; the stamps
// are rewritten to a fixed start, EPOCH, so the stream's clock is the same on every machine:
// segment i starts at EPOCH + 2 s × i (README, "The stream and its clock").
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const EPOCH = Date.parse("2026-01-01T20:00:00.000Z");
const SEGMENT_S = 2;
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "web", "public", "stream");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// biome-ignore format: the flags read best as they are, a few pairs a line
execFileSync("ffmpeg", [
  "-hide_banner", "-loglevel", "error",
  "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10:duration=60",
  "-c:v", "libx264", "-profile:v", "baseline", "-level", "3.0", "-pix_fmt", "yuv420p",
  "-preset", "veryslow", "-crf", "40", "-g", "20", "-keyint_min", "20", "-sc_threshold", "0", "-an",
  "-f", "hls", "-hls_time", String(SEGMENT_S), "-hls_list_size", "0", "-hls_playlist_type", "vod",
  "-hls_segment_type", "fmp4", "-hls_flags", "program_date_time+independent_segments",
  "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", join(out, "seg%02d.m4s"),
  join(out, "index.m3u8"),
], { stdio: "inherit" });

let i = 0;
const playlist = readFileSync(join(out, "index.m3u8"), "utf8").replace(
  /^#EXT-X-PROGRAM-DATE-TIME:.*$/gm,
  () => `#EXT-X-PROGRAM-DATE-TIME:${new Date(EPOCH + SEGMENT_S * 1000 * i++).toISOString()}`,
);
writeFileSync(join(out, "index.m3u8"), playlist);
const bytes = readdirSync(out).reduce((n, f) => n + readFileSync(join(out, f)).length, 0);
console.log(`[liveroom] ${i} segments, ${bytes} bytes in ${out}`);
