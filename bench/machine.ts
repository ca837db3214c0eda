// The machine and runtime a benchmark ran on, for the report.
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "./runtime";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  workerd: string;
  miniflare: string;
  partyserver: string;
  ws: string;
  loadAtStart: number[];
}

const versionOf = (pkg: string): string => {
  try {
    const json = JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as {
      version?: string;
    };
    return json.version ?? "?";
  } catch {
    return "?";
  }
};

export function describeMachine(): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? "?",
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    workerd: versionOf("workerd"),
    miniflare: versionOf("miniflare"),
    partyserver: versionOf("partyserver"),
    ws: versionOf("ws"),
    loadAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
