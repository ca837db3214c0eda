// docs/benchmarks/results.md from the figures of one pass.
import type { Machine } from "../machine";
import type { AnswerCase } from "../scenarios/answers";
import type { DanmakuCase } from "../scenarios/danmaku";
import type { FanoutCase, FanoutResult } from "../scenarios/fanout";
import { type FloodCase, floodMarkdown } from "../scenarios/flood";
import type { FanoutProbeRow, ProbeRow } from "../scenarios/probe";
import type { RainCase } from "../scenarios/rain";
import type { SettlementCase, SettlementRainCase } from "../scenarios/settlement";
import { type ShardsResult, shardsMarkdown } from "../scenarios/shards";
import type { StormCase } from "../scenarios/storm";
import type { WakeResult } from "../scenarios/wakeups";
import type { WireRow } from "../scenarios/wire";
import { type Table, fmtInt, fmtOver } from "./types";

export interface AllResults {
  pass: "quick" | "full";
  startedAt: string;
  minutes: number;
  machine: Machine;
  loadAtEnd: number[];
  runs: number;
  concurrency: number;
  clientProcesses: string;
  fanout: FanoutResult | null;
  answers: AnswerCase[] | null;
  rain: RainCase[] | null;
  storm: StormCase[] | null;
  probe: ProbeRow[] | null;
  fanoutProbe: FanoutProbeRow[] | null;
  danmaku: DanmakuCase[] | null;
  settlement: SettlementCase | null;
  /** One 100,000-packet rain through the batched consumer (full pass, or --only=settle-rain). */
  settlementRain?: SettlementRainCase | null;
  wake: WakeResult | null;
  /** Issue 12 item 1 over real sockets (`--only=flood` or `--full`); absent in older results.json. */
  flood?: FloodCase[] | null;
  /** Issue 11: one room across shards (scenario 8); absent in older results.json. */
  shards?: ShardsResult | null;
  wire: WireRow[];
  /** Extra sections from scenarios that render themselves (danmaku, settlement). */
  extra: { title: string; markdown: string }[];
  errors: { scenario: string; message: string }[];
}

export function table(t: Table): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const head = [line(t.header), line(t.header.map(() => "---"))];
  return [...(t.caption ? [t.caption, ""] : []), ...head, ...t.rows.map(line)].join("\n");
}

const ratio = (a: number, b: number) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}×` : "–");

function fanoutTables(f: FanoutResult): string {
  const find = (n: number, t: string) => f.cases.find((c) => c.n === n && c.target === t);
  const rows = f.cases.map((c) => {
    const lr = find(c.n, "liveroom");
    return [
      fmtInt(c.n),
      c.target,
      String(c.bytes),
      fmtOver(c.first),
      fmtOver(c.p50),
      fmtOver(c.p99),
      fmtOver(c.max),
      String(c.missed),
      c.target === "liveroom" || lr === undefined ? "" : ratio(lr.max.median, c.max.median),
    ];
  });
  const reveals = f.reveals.map((c: FanoutCase) => [
    fmtInt(c.n),
    String(c.bytes),
    fmtOver(c.first),
    fmtOver(c.p50),
    fmtOver(c.p99),
    fmtOver(c.max),
  ]);
  return [
    table({
      header: [
        "N",
        "target",
        "bytes",
        "first socket ms",
        "p50 ms",
        "p99 ms",
        "last socket ms",
        "missed",
        "liveroom ÷ target (last socket)",
      ],
      rows,
    }),
    "",
    "The reveal that follows each liveroom question, measured the same way:",
    "",
    table({ header: ["N", "bytes", "first socket ms", "p50 ms", "p99 ms", "last socket ms"], rows: reveals }),
  ].join("\n");
}

function answerTable(cases: AnswerCase[]): string {
  const rows = cases.map((c) => {
    const v = (k: "notExactlyOne" | "acceptedLate" | "otherFailures" | "unanswered") =>
      c.runs.reduce((s, r) => s + r[k], 0);
    return [
      fmtInt(c.n),
      `${c.windowMs / 1000} s`,
      fmtOver(c.peakPerSec, 0),
      fmtOver(c.p50),
      fmtOver(c.p99),
      fmtOver(c.burstP99),
      fmtOver(c.max),
      `${v("notExactlyOne")} / ${v("acceptedLate")}`,
      `${c.runs.reduce((s, r) => s + r.lateRejected, 0)} of ${c.late * c.runs.length}`,
      `${c.runs.reduce((s, r) => s + r.duplicatesRejected, 0)} of ${c.duplicates * c.runs.length}`,
      `${v("otherFailures") + v("unanswered")}`,
      c.runs.every((r) => r.countsMatch) ? "yes" : "NO",
    ];
  });
  return table({
    header: [
      "players",
      "window",
      "accepted/s (busiest second)",
      "p50 ms",
      "p99 ms",
      "p99 first second",
      "max ms",
      "players ≠ 1 accepted / accepted late",
      "late refused",
      "second answers refused",
      "other failures",
      "counts = accepted",
    ],
    rows,
  });
}

function rainTable(cases: RainCase[]): string {
  const rows = cases.map((c) => {
    const codes: Record<string, number> = {};
    for (const r of c.runs) for (const [k, v] of Object.entries(r.codes)) codes[k] = (codes[k] ?? 0) + v;
    const per = c.runs.length;
    return [
      fmtInt(c.n),
      `${fmtInt(c.packets)} / ${c.durationMs / 1000} s`,
      `${(c.runs[0]?.firstPpm ?? 0) / 10_000}%`,
      fmtOver(c.perSec, 0),
      fmtOver(c.peakPerSec, 0),
      fmtOver(c.p50),
      fmtOver(c.p99),
      Object.entries(codes)
        .map(([k, v]) => `${k} ${fmtInt(v / per)}`)
        .join(", "),
      String(c.runs.reduce((s, r) => s + r.overGrant, 0)),
      String(c.runs.reduce((s, r) => s + r.unanswered, 0)),
    ];
  });
  return table({
    header: [
      "players",
      "packets / rain",
      "throttle at start",
      "grabs/s",
      "busiest second",
      "p50 ms",
      "p99 ms",
      "answers per run (mean)",
      "over-grant",
      "unanswered",
    ],
    rows,
  });
}

function stormTable(cases: StormCase[]): string {
  const rows = cases.map((c) => [
    fmtInt(c.n),
    String(c.concurrency),
    fmtOver(c.firstPerSec, 0),
    fmtOver(c.backPerSec, 0),
    fmtOver(c.allBackMs, 0),
    fmtOver(c.barePerSec, 0),
    ratio(c.barePerSec.median, c.firstPerSec.median),
    String(c.runs.reduce((s, r) => s + r.failures, 0)),
    String(c.runs.reduce((s, r) => s + r.gaps, 0)),
  ]);
  return table({
    header: [
      "sockets",
      "in flight",
      "first connect /s",
      "reconnect /s",
      "all back and resumed, ms",
      "bare DO connect /s",
      "bare ÷ first",
      "failures",
      "gaps",
    ],
    rows,
  });
}

function danmakuTable(cases: DanmakuCase[]): string {
  return table({
    header: [
      "sockets",
      "delivery",
      "danmaku sent/s",
      "frames/s per socket",
      "bytes/s per socket",
      "danmaku shown/s",
      "p50 ms",
      "p99 ms",
      "refused",
      "room: in / shown / dropped",
    ],
    rows: cases.map((c) => [
      fmtInt(c.n),
      c.mode,
      fmtOver(c.sentPerSec),
      fmtOver(c.framesPerSocketPerSec),
      fmtOver(c.bytesPerSocketPerSec, 0),
      fmtOver(c.shownPerSec),
      fmtOver(c.p50),
      fmtOver(c.p99),
      Object.entries(c.refused)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "0",
      // Older results.json files have no room figures.
      c.room == null ? "—" : `${c.room.in} / ${c.room.shown} / ${c.room.dropped}`,
    ]),
  });
}

const PROBE_LABEL: Record<ProbeRow["mode"], string> = {
  none: "bare: accept only",
  sql: "+ one SQLite row (the player)",
  d1: "+ one awaited D1 query (revival cards, unbatched)",
  d1sql: "+ both",
};

function probeTable(rows: ProbeRow[]): string {
  const base = rows.find((r) => r.mode === "none")?.perSec.median ?? Number.NaN;
  return table({
    header: ["upgrade does", "handshakes/s", "÷ bare"],
    rows: rows.map((r) => [PROBE_LABEL[r.mode], fmtOver(r.perSec, 0), ratio(base, r.perSec.median)]),
  });
}

function wakeTable(w: WakeResult): string {
  const d = (k: "fetch" | "message" | "close" | "alarm") => String(w.after[k] - w.before[k]);
  return table({
    header: [
      "sockets",
      "time",
      "beat every",
      "beats sent / echoed",
      "room wake-ups (rebuilds)",
      "webSocketMessage",
      "alarm",
      "fetch",
      "close",
      "room hibernated",
    ],
    rows: [
      [
        fmtInt(w.sockets),
        `${w.durationMs / 1000} s`,
        `${w.intervalMs / 1000} s`,
        `${fmtInt(w.beats.sent)} / ${fmtInt(w.beats.echoed)}`,
        String(w.rebuilds),
        d("message"),
        d("alarm"),
        d("fetch"),
        d("close"),
        w.hibernated ? "yes" : "not seen",
      ],
    ],
  });
}

function goals(r: AllResults): string {
  const rows: string[][] = [];
  const f = r.fanout;
  if (f !== null) {
    const top = Math.max(...f.cases.map((c) => c.n));
    const at = (t: string) => f.cases.find((c) => c.n === top && c.target === t)?.max.median ?? Number.NaN;
    const lr = at("liveroom");
    const note = top < 5000 ? ` (at N = ${fmtInt(top)}; the full pass measures 5,000)` : "";
    rows.push(
      [
        "fan-out within 1.2× the bare DO",
        `${ratio(lr, at("bare DO"))}${note}`,
        lr / at("bare DO") <= 1.2 ? "met" : "not met",
      ],
      [
        "fan-out within 2× plain ws",
        `${ratio(lr, at("plain ws"))}${note}`,
        lr / at("plain ws") <= 2 ? "met" : "not met",
      ],
    );
  }
  const big = r.wire.find((w) => w.frame === "ANSWER_REVEALED");
  const small = r.wire.find((w) => w.frame.startsWith("ANSWER_REVEALED ("));
  if (big && small)
    rows.push([
      "reveal ≤ 40 bytes",
      `${small.protobuf} B in a small room, ${big.protobuf} B with 6-digit counts`,
      big.protobuf <= 40 ? "met" : small.protobuf <= 40 ? "met only while counts stay small" : "not met",
    ]);
  if (r.answers !== null && r.answers.length > 0) {
    const top = r.answers.reduce((a, b) => (b.n > a.n ? b : a));
    rows.push([
      "p99 sealed result ≤ 100 ms for 5,000 answers in a window",
      `${top.p99.median.toFixed(1)} ms at ${fmtInt(top.n)} answers${top.n < 5000 ? " (the full pass measures 5,000)" : ""}`,
      top.p99.median <= 100 ? "met" : "not met",
    ]);
  }
  if (r.rain !== null) {
    const over = r.rain.reduce((s, c) => s + c.runs.reduce((t, x) => t + x.overGrant, 0), 0);
    rows.push(["0 over-grant", String(over), over === 0 ? "met" : "NOT MET"]);
  }
  if (r.wake !== null) {
    const w = r.wake;
    const byBeats = w.after.message - w.before.message + (w.after.fetch - w.before.fetch);
    const alarms = w.after.alarm - w.before.alarm;
    rows.push([
      "no room wake-ups while idle sockets heartbeat",
      `${byBeats} events from ${fmtInt(w.beats.sent)} heartbeats; ${alarms} alarm (the dead-socket sweep, once a minute by design); ${w.rebuilds} rebuilds`,
      byBeats === 0 ? "met" : "not met",
    ]);
  }
  return table({ header: ["goal", "measured", ""], rows });
}

export function resultsMarkdown(r: AllResults): string {
  const m = r.machine;
  const parts: string[] = [
    `# Benchmark results (${r.pass} pass)`,
    "",
    `Generated by \`npm run bench${r.pass === "full" ? " -- --full" : ""}\` on ${r.startedAt} in ${r.minutes.toFixed(1)} min. What each scenario measures and what the figures mean: [README.md](README.md).`,
    "",
    "## Machine and method",
    "",
    `- ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB memory, ${m.os}; load average ${m.loadAtStart.join(" / ")} at the start, ${r.loadAtEnd.join(" / ")} at the end (1 / 5 / 15 min).`,
    `- Node ${m.node}; workerd ${m.workerd} driven by miniflare ${m.miniflare} directly: **one workerd process** holding liveroom's Worker (bundled by esbuild from \`workers/index.ts\`) with wrangler.toml's D1, Durable Object and Queue bindings, plus the baseline rooms. partyserver ${m.partyserver}, ws ${m.ws}.`,
    `- Clients: Node \`ws\` sockets in ${r.clientProcesses}, on 127.0.0.1, permessage-deflate off; at most ${r.concurrency} handshakes in flight.`,
    `- Every figure is the median of ${r.runs} runs, with the smallest and largest run in brackets.`,
    "",
    "## Goals",
    "",
    goals(r),
  ];
  if (r.fanout !== null)
    parts.push("", "## 1. Fan-out", "", fanoutTables(r.fanout), "", "![fan-out chart](chart.svg)");
  if (r.fanoutProbe !== null)
    parts.push(
      "",
      "Fan-out probe (one room, rounds interleaved): the same broadcast with and without storing the frame first:",
      "",
      table({
        header: ["before the send loop", "first socket ms", "last socket ms"],
        rows: r.fanoutProbe.map((x) => [
          x.mode === "sql" ? "one SQLite insert (output gate)" : "nothing",
          fmtOver(x.first),
          fmtOver(x.last),
        ]),
      }),
    );
  if (r.answers !== null) parts.push("", "## 2. Answer burst", "", answerTable(r.answers));
  if (r.rain !== null) parts.push("", "## 3. Red-packet storm", "", rainTable(r.rain));
  if (r.storm !== null) parts.push("", "## 4. Connect storm", "", stormTable(r.storm));
  if (r.probe !== null)
    parts.push(
      "",
      "Connect-path probe (handshakes/s into a bare room plus one step):",
      "",
      probeTable(r.probe),
    );
  if (r.danmaku !== null) parts.push("", "## 5. Danmaku", "", danmakuTable(r.danmaku));
  // results.json written before both paths were measured has no `batch` figure: left out on --report.
  if (r.settlement !== null && r.settlement.batch !== undefined) {
    const st = r.settlement;
    parts.push(
      "",
      "## 6. Settlement",
      "",
      "Both consumer paths in one workerd, alternating which runs first: one D1 batch per message (the",
      "fallback, and the only path before) and one D1 batch per Queue batch (the consumer's own).",
      "",
      table({
        header: [
          "red-packet events",
          "of them sent twice",
          "one by one, transfers/s",
          "batched, transfers/s",
          "batched ÷ one by one",
          "each posted exactly once",
          "settlement issues",
        ],
        rows: [
          [
            fmtInt(st.events),
            fmtInt(st.duplicates),
            fmtOver(st.oneByOne, 0),
            fmtOver(st.batch, 0),
            fmtOver(st.ratio, 1),
            st.postedExactlyOnce ? "yes" : "NO",
            String(st.issues),
          ],
        ],
      }),
    );
  }
  if (r.settlementRain != null) {
    const sr = r.settlementRain;
    parts.push(
      "",
      `One rain of ${fmtInt(sr.packets)} packets (${fmtInt(sr.totalCents)} cents, the real split, to ${fmtInt(sr.users)} players), batched:`,
      "",
      table({
        header: [
          "packets (+ sent twice)",
          "settled in (s)",
          "all sent after (s)",
          "transfers/s",
          "exact (once each, budget 0, sum = rain)",
          "issues",
        ],
        rows: [
          [
            `${fmtInt(sr.packets)} (+${fmtInt(sr.duplicates)})`,
            sr.seconds.toFixed(1),
            sr.sendSeconds.toFixed(1),
            fmtInt(Math.round(sr.perSec)),
            sr.exact ? "yes" : "NO",
            String(sr.issues),
          ],
        ],
      }),
    );
  }
  for (const x of r.extra) parts.push("", `## ${x.title}`, "", x.markdown);
  if (r.flood != null) parts.push("", "## Flood (issue 12)", "", floodMarkdown(r.flood));
  if (r.shards != null)
    parts.push("", "## One room across shards (issue 11)", "", shardsMarkdown(r.shards, r.answers, r.rain));
  parts.push(
    "",
    "## 7. Wire sizes",
    "",
    table({
      header: ["frame", "protobuf B", "JSON B", "JSON ÷ protobuf", "sample"],
      rows: r.wire.map((w) => [
        w.frame,
        String(w.protobuf),
        String(w.json),
        ratio(w.json, w.protobuf),
        w.note,
      ]),
    }),
  );
  if (r.wake !== null) parts.push("", "## Idle wake-ups", "", wakeTable(r.wake));
  if (r.errors.length > 0)
    parts.push(
      "",
      "## Errors",
      "",
      ...r.errors.map((e) => `- ${e.scenario}: ${e.message.replace(/\n/g, " ")}`),
    );
  return `${parts.join("\n")}\n`;
}
