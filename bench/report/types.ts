// What a scenario hands the report: tables of figures and notes, plus the series for the chart.
import type { Over } from "../stats";

export interface Table {
  caption?: string;
  header: string[];
  rows: string[][];
}

export interface Section {
  id: string;
  title: string;
  /** One or two sentences: what exactly this scenario measures, and how. */
  measures: string;
  tables: Table[];
  notes: string[];
}

/** ms with one decimal: "12.3 (10.1–14.0)" for a figure over runs. */
export function fmtOver(o: Over, digits = 1): string {
  if (o.runs === 0) return "–";
  const f = (x: number) => x.toFixed(digits);
  return o.runs === 1 ? f(o.median) : `${f(o.median)} (${f(o.min)}–${f(o.max)})`;
}

export function fmtInt(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–";
}
