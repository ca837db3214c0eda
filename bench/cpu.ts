// CPU time of the workerd process miniflare started (a child of the runner), read from /proc: every
// thread's run time in nanoseconds. Locally every Durable Object runs in that one process, so this
// is the whole room's CPU — coordinator, shards and the Worker in front of them together.
import { readdirSync, readFileSync } from "node:fs";
import { schedstatRunNs, statParent } from "./scale";

/** The pid of the runner's workerd child, or null (not Linux, or not started yet). */
export function workerdPid(): number | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const p = statParent(readFileSync(`/proc/${e}/stat`, "utf8"));
      if (p !== null && p.ppid === process.pid && p.comm.startsWith("workerd")) return Number(e);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

/** Nanoseconds of CPU every thread of `pid` has used so far; NaN when it cannot be read. */
export function cpuNs(pid: number | null): number {
  if (pid === null) return Number.NaN;
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += schedstatRunNs(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8"));
      } catch {
        // A thread that ended while we summed.
      }
    }
    return total;
  } catch {
    return Number.NaN;
  }
}
