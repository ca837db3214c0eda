// The live figures panel: numbers, the per-shard table, answers per option and the chart, from the room's stats.
import { type HostStats, PHASE_LABEL } from "./stats";
import { byId, h, setText } from "../shared/dom";
import { formatCents } from "../shared/money";
import { drawChart, type Sample } from "./chart";
import { ratePerSec } from "./chart-math";
import { type ShardRowView, shardTable } from "./shard-table";

export interface QuestionDetail {
  text: string;
  options: string[];
  correct: number;
}

export interface Figures {
  render(stats: HostStats, questions: QuestionDetail[] | undefined): void;
  clear(): void;
}

const SHARD_COLUMNS = [
  "shard",
  "online",
  "players",
  "answers",
  "answersPerSec",
  "fanoutMs",
  "outboxBacklog",
  "roomSeq",
] as const satisfies ReadonlyArray<keyof ShardRowView>;

function shardRow(r: ShardRowView): HTMLTableRowElement {
  const attrs: Record<string, string> = { "data-shard": r.shard };
  if (r.behind > 0) attrs["data-behind"] = String(r.behind);
  return h("tr", attrs, ...SHARD_COLUMNS.map((c) => h("td", { "data-col": c }, r[c])));
}

function svgById(id: string): SVGSVGElement {
  const el = document.getElementById(id);
  if (!(el instanceof SVGSVGElement)) throw new Error(`#${id} is missing or not an <svg>`);
  return el;
}

export function createFigures(): Figures {
  const $ = {
    phase: byId("f-phase", HTMLElement),
    online: byId("f-online", HTMLElement),
    alive: byId("f-alive", HTMLElement),
    players: byId("f-players", HTMLElement),
    answers: byId("f-answers", HTMLElement),
    grabs: byId("f-grabs", HTMLElement),
    packets: byId("f-packets", HTMLElement),
    danmaku: byId("f-danmaku", HTMLElement),
    likes: byId("f-likes", HTMLElement),
    gifts: byId("f-gifts", HTMLElement),
    giftCoins: byId("f-gift-coins", HTMLElement),
    granted: byId("f-granted", HTMLElement),
    counts: byId("counts", HTMLElement),
    shardSummary: byId("shard-summary", HTMLElement),
    shardRows: byId("shard-rows", HTMLTableSectionElement),
    shardTotal: byId("shard-total", HTMLTableSectionElement),
    chart: svgById("chart"),
  };
  let samples: Sample[] = [];
  let lastDanmaku: { atMs: number; value: number } | undefined;

  return {
    render(s, questions) {
      const answers = s.counts.reduce((a, b) => a + b, 0);
      setText($.phase, PHASE_LABEL[s.phase] ?? s.phase);
      setText($.online, String(s.online));
      setText($.alive, String(s.alive));
      setText($.players, String(s.players));
      setText($.answers, String(answers));
      setText($.grabs, String(s.grabsPerSec));
      setText($.packets, s.rain >= 0 ? String(s.packetsLeft) : "–");
      setText($.granted, s.rain >= 0 ? formatCents(s.grantedCents) : "–");
      const now = { atMs: Date.now(), value: s.danmakuIn };
      setText($.danmaku, lastDanmaku ? String(ratePerSec(lastDanmaku, now)) : "–");
      lastDanmaku = now;
      setText($.likes, String(s.likes));
      setText($.gifts, String(s.gifts));
      setText($.giftCoins, String(s.giftCoins));
      const q = s.currentQuestion >= 0 ? questions?.[s.currentQuestion] : undefined;
      const max = Math.max(1, ...s.counts);
      $.counts.replaceChildren(
        ...s.counts.map((n, i) => {
          const label = q?.options[i] ?? `Option ${i + 1}`;
          const row = h(
            "div",
            { class: "count-row", "data-option": String(i), "data-correct": String(q?.correct === i) },
            h("span", {}, label),
            h("div", { class: "count-bar", style: `width:${Math.round((n / max) * 100)}%` }),
            h("span", { class: "count-n" }, String(n)),
          );
          row.setAttribute("aria-label", `${label}: ${n}`);
          return row;
        }),
      );
      const shards = shardTable(s);
      setText($.shardSummary, shards.summary);
      $.shardRows.replaceChildren(...shards.rows.map(shardRow));
      $.shardTotal.replaceChildren(...(shards.rows.length > 1 ? [shardRow(shards.total)] : []));
      samples = [...samples.slice(-200), { atMs: Date.now(), online: s.online, answers }];
      drawChart($.chart, samples);
    },
    clear() {
      samples = [];
      lastDanmaku = undefined;
      $.counts.replaceChildren();
      setText($.shardSummary, "");
      $.shardRows.replaceChildren();
      $.shardTotal.replaceChildren();
      $.chart.replaceChildren();
    },
  };
}
