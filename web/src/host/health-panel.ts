// The console's health panel: polls `GET /api/rooms/:id/health` every 2 s while a room is open in the
// console and draws its figures, the per-question intake, the per-shard table and a bar chart (SVG,
// no library). It builds its own markup inside `<section id="health">` (host.html).
import type { RoomHealthView } from "../../../schema/room-health";
import { api } from "../shared/api";
import { h, setText } from "../shared/dom";
import { barRects, healthPanel, QUESTION_COLUMNS, SHARD_HEALTH_COLUMNS } from "./health-view";

const POLL_MS = 2000;
const SVG = "http://www.w3.org/2000/svg";
const W = 600;
const H = 120;

export interface HealthPanel {
  /** Starts polling room `id` (again only if another), or stops with null. */
  watch(id: string | null, token: string): void;
}

function table(caption: string, columns: string[], bodyId: string): HTMLElement {
  const head = h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, c)));
  return h(
    "div",
    { class: "shards" },
    h(
      "table",
      {},
      h("caption", { class: "sr-only" }, caption),
      h("thead", {}, head),
      h("tbody", { id: bodyId }),
    ),
  );
}

export function createHealthPanel(root: HTMLElement): HealthPanel {
  const summary = h("span", { class: "hint", id: "h-summary" });
  const figures = h("dl", { class: "figures" });
  const questions = table("Answer intake per question", QUESTION_COLUMNS, "h-questions");
  const shards = table("Health per shard", SHARD_HEALTH_COLUMNS, "h-shards");
  const chartTitle = h("p", { class: "legend", id: "h-chart-title" });
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("id", "h-chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Answers per second after the latest push");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  root.replaceChildren(
    h("h2", { id: "health-title" }, "Show health ", summary),
    figures,
    h("h3", { class: "shards-title" }, "Answer intake"),
    questions,
    h("h3", { class: "shards-title" }, "Per shard"),
    shards,
    h("div", { class: "chart" }, chartTitle, svg),
  );
  root.hidden = true;
  let watching: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function render(hv: RoomHealthView): void {
    const v = healthPanel(hv);
    root.hidden = false;
    setText(summary, `${hv.shardCount} ${hv.shardCount === 1 ? "shard" : "shards"} · ${hv.online} online`);
    figures.replaceChildren(
      ...v.figures.map((f) =>
        h(
          "div",
          f.warn ? { class: "figure", "data-warn": "" } : { class: "figure" },
          h("dt", {}, f.label),
          h("dd", { id: f.id }, f.value),
        ),
      ),
    );
    questions
      .querySelector("tbody")!
      .replaceChildren(...v.questions.map((cells) => h("tr", {}, ...cells.map((c) => h("td", {}, c)))));
    shards
      .querySelector("tbody")!
      .replaceChildren(
        ...v.shards.map((r) =>
          h("tr", r.warn ? { "data-behind": "1" } : {}, ...r.cells.map((c) => h("td", {}, c))),
        ),
      );
    setText(chartTitle, v.chart.title);
    svg.replaceChildren(
      ...barRects(v.chart.bars, W, H).map((b, i) => {
        const rect = document.createElementNS(SVG, "rect");
        for (const [k, n] of Object.entries(b))
          rect.setAttribute(k === "w" ? "width" : k === "h" ? "height" : k, String(n));
        rect.setAttribute("fill", "#ff4d6d");
        rect.setAttribute("data-second", String(i));
        rect.setAttribute("data-answers", String(v.chart.bars[i]));
        return rect;
      }),
    );
  }

  async function poll(id: string, token: string): Promise<void> {
    const r = await api<{ health: RoomHealthView }>(
      "GET",
      `/api/rooms/${encodeURIComponent(id)}/health`,
      token,
    );
    if (watching !== id) return;
    if (r.ok) render(r.body.health);
    // A dead token or a room this token may not run: the stats' poll says why; this one stops.
    else if (r.status === 401 || r.status === 403) return;
    timer = setTimeout(() => void poll(id, token), POLL_MS);
  }

  return {
    watch(id, token) {
      if (id === watching) return;
      clearTimeout(timer);
      watching = id;
      if (id === null) root.hidden = true;
      else void poll(id, token);
    },
  };
}
