// A small SVG line chart of the room's figures over time: no library, one path per series.

import { linePath, MIN_SLOTS, niceMax, type Sample, WINDOW_SAMPLES } from "./chart-math";

export type { Sample };

const SVG = "http://www.w3.org/2000/svg";
const W = 600;
const H = 160;

/** Draws the samples into `svg` (viewBox 600×160): online in gold, answers in red. */
export function drawChart(svg: SVGSVGElement, samples: Sample[]): void {
  const recent = samples.slice(-WINDOW_SAMPLES);
  const max = niceMax(Math.max(1, ...recent.map((s) => Math.max(s.online, s.answers))));
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const line = (values: number[], color: string, name: string) => {
    const p = document.createElementNS(SVG, "path");
    p.setAttribute("d", linePath(values, Math.max(MIN_SLOTS, recent.length), W, H - 4, max));
    p.setAttribute("transform", "translate(0,2)");
    p.setAttribute("fill", "none");
    p.setAttribute("stroke", color);
    p.setAttribute("stroke-width", "2.5");
    p.setAttribute("data-series", name);
    return p;
  };
  const label = document.createElementNS(SVG, "text");
  label.setAttribute("x", "6");
  label.setAttribute("y", "16");
  label.setAttribute("fill", "#b3a9c9");
  label.setAttribute("font-size", "13");
  label.textContent = `max ${max}`;
  svg.replaceChildren(
    line(
      recent.map((s) => s.online),
      "#ffcb47",
      "online",
    ),
    line(
      recent.map((s) => s.answers),
      "#ff4d6d",
      "answers",
    ),
    label,
  );
}
