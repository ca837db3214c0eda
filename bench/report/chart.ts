// The fan-out chart, hand-written SVG: per N, one bar per target for the median time until the
// last socket had the frame, with a whisker from the fastest to the slowest run.
import type { FanoutCase, TargetName } from "../scenarios/fanout";

const COLORS: Record<TargetName, string> = {
  liveroom: "#d9480f",
  "bare DO": "#1c7ed6",
  partyserver: "#7048e8",
  "plain ws": "#2b8a3e",
};

const W = 760;
const H = 400;
const M = { top: 56, right: 20, bottom: 64, left: 64 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** A "nice" axis maximum: 1, 2 or 5 × a power of ten, at or above `x`. */
export function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function fanoutChart(cases: readonly FanoutCase[], title: string): string {
  const ns = [...new Set(cases.map((c) => c.n))].sort((a, b) => a - b);
  const targets = [...new Set(cases.map((c) => c.target))];
  const top = niceMax(Math.max(1, ...cases.map((c) => c.max.max)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const y = (v: number) => M.top + plotH - (Math.min(v, top) / top) * plotH;
  const groupW = plotW / Math.max(1, ns.length);
  const barW = Math.min(40, (groupW * 0.8) / Math.max(1, targets.length));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`,
    `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">time from the push until the last socket had the frame, ms (median of runs; whisker: min–max)</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (top * i) / 5;
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e9ecef"/>`,
      `<text x="${M.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#555">${Math.round(v)}</text>`,
    );
  }
  ns.forEach((n, gi) => {
    const gx = M.left + gi * groupW + (groupW - barW * targets.length) / 2;
    targets.forEach((t, ti) => {
      const c = cases.find((k) => k.n === n && k.target === t);
      if (c === undefined || c.max.runs === 0) return;
      const x = gx + ti * barW;
      const cx = x + barW / 2;
      out.push(
        `<rect x="${x + 2}" y="${y(c.max.median)}" width="${barW - 4}" height="${M.top + plotH - y(c.max.median)}" fill="${COLORS[t]}"><title>${esc(t)} N=${n}: ${c.max.median.toFixed(1)} ms</title></rect>`,
        `<line x1="${cx}" x2="${cx}" y1="${y(c.max.min)}" y2="${y(c.max.max)}" stroke="#212529"/>`,
        `<text x="${cx}" y="${y(c.max.max) - 4}" text-anchor="middle" font-size="10" fill="#333">${Math.round(c.max.median)}</text>`,
      );
    });
    out.push(
      `<text x="${M.left + gi * groupW + groupW / 2}" y="${M.top + plotH + 20}" text-anchor="middle">N = ${n.toLocaleString("en-US")} sockets</text>`,
    );
  });
  out.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#495057"/>`,
  );
  targets.forEach((t, i) => {
    const lx = M.left + i * 150;
    const ly = H - 18;
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[t]}"/>`,
      `<text x="${lx + 18}" y="${ly}">${esc(t)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
