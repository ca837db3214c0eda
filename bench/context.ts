// What every scenario gets from the runner.
import type { Api } from "./admin";
import type { Progress } from "./progress";
import type { Runtime } from "./runtime";

export interface Ctx {
  rt: Runtime;
  api: Api;
  /** ws://127.0.0.1:<port> of workerd. */
  wsBase: string;
  progress: Progress;
  full: boolean;
  /** Measured repetitions per case (≥ 3). */
  runs: number;
  /** Handshakes in flight at once when opening sockets. */
  concurrency: number;
}

/** One client process per 2,500 sockets: a single Node process spends its time in `ws` above that. */
export function clientProcesses(n: number): number {
  return Math.max(1, Math.ceil(n / 2500));
}

export const userIds = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
