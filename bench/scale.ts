// Pure figures for the sharded-room scenarios (issue 11, docs/scale.md): the workerd process's CPU
// time read from /proc, the cost of one more shard fitted over several shard counts, the spread of
// a reconnect storm and the completeness of what each client got back.

/**
 * Nanoseconds a thread has run, from the first field of `/proc/<pid>/task/<tid>/schedstat`
 * ("<run ns> <wait ns> <slices>"); 0 for an unreadable line.
 * @example schedstatRunNs("123456 789 10\n") // 123456
 */
export function schedstatRunNs(text: string): number {
  const first = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(first) ? first : 0;
}

/**
 * The parent pid and the command name of a process, from `/proc/<pid>/stat`
 * ("<pid> (<comm>) <state> <ppid> …"; the name may hold spaces and parentheses).
 * @example statParent("42 (workerd) S 7 42 7 0") // { comm: "workerd", ppid: 7 }
 */
export function statParent(text: string): { comm: string; ppid: number } | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const ppid = Number(rest[1]);
  return Number.isFinite(ppid) ? { comm: text.slice(open + 1, close), ppid } : null;
}

/**
 * Least-squares line through (x, y) points: the cost of one more unit of x (`slope`) and the cost
 * at x = 0 (`intercept`). NaN for fewer than two distinct x.
 * @example fitLine([{ x: 0, y: 1 }, { x: 2, y: 5 }]) // { slope: 2, intercept: 1 }
 */
export function fitLine(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } {
  const p = points.filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
  const n = p.length;
  const mx = p.reduce((a, q) => a + q.x, 0) / n;
  const my = p.reduce((a, q) => a + q.y, 0) / n;
  const sxx = p.reduce((a, q) => a + (q.x - mx) ** 2, 0);
  if (n < 2 || sxx === 0) return { slope: Number.NaN, intercept: Number.NaN };
  const slope = p.reduce((a, q) => a + (q.x - mx) * (q.y - my), 0) / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * When each of `n` clients starts its reconnect: uniform in [0, windowMs), as the Welcome's
 * `reconnect_window_ms` asks (the SDK's policy, implemented again by the bench's node clients).
 * @example reconnectDelays(2, 1000, () => 0.5) // [500, 500]
 */
export function reconnectDelays(n: number, windowMs: number, random: () => number): number[] {
  return Array.from({ length: n }, () => Math.floor(random() * Math.max(0, windowMs)));
}

/**
 * The room sequence numbers missing from what a client received after its reconnect: every number in
 * (afterSeq, targetSeq] must have come, by RESUME's replay or live. Sorted.
 * @example missingSeqs(3, 6, [4, 6, 6]) // [5]
 */
export function missingSeqs(afterSeq: number, targetSeq: number, got: readonly number[]): number[] {
  const have = new Set(got);
  const missing: number[] = [];
  for (let s = afterSeq + 1; s <= targetSeq; s++) if (!have.has(s)) missing.push(s);
  return missing;
}

/**
 * The busiest shard's count over the mean: 1 is a perfectly even split of users across shards.
 * @example imbalance([90, 110]) // 1.1
 */
export function imbalance(counts: readonly number[]): number {
  if (counts.length === 0) return Number.NaN;
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return mean === 0 ? Number.NaN : Math.max(...counts) / mean;
}
