// Runner-side helpers over every client process at once: open, arm, collect, close.
import type { ClientPool } from "./pool";
import type { CollectResult, OpenResult } from "./protocol";

export interface OpenSpec {
  wsBase: string;
  path: string;
  /** One user per socket, or null for `n` anonymous sockets. */
  users: string[] | null;
  n: number;
  concurrency: number;
  timeoutMs: number;
  resumeAfter?: number | null;
}

export async function openAll(pool: ClientPool, spec: OpenSpec): Promise<OpenResult> {
  const shares = pool.shares(spec.n);
  const parts = await pool.all<"open">((i) => ({
    cmd: "open",
    wsBase: spec.wsBase,
    path: spec.path,
    users: spec.users === null ? null : spec.users.slice(shares[i]!.from, shares[i]!.from + shares[i]!.count),
    count: shares[i]!.count,
    sign: spec.users !== null,
    concurrency: Math.max(1, Math.ceil(spec.concurrency / pool.size)),
    timeoutMs: spec.timeoutMs,
    resumeAfter: spec.resumeAfter ?? null,
  }));
  return {
    opened: sum(parts.map((p) => p.opened)),
    failed: sum(parts.map((p) => p.failed)),
    errors: parts.flatMap((p) => p.errors).slice(0, 5),
    handshakeMs: parts.flatMap((p) => p.handshakeMs),
    resumedMs: parts.flatMap((p) => p.resumedMs),
    replayed: sum(parts.map((p) => p.replayed)),
    gaps: sum(parts.map((p) => p.gaps)),
    elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
  };
}

export async function armAll(pool: ClientPool): Promise<void> {
  await pool.all<"arm">(() => ({ cmd: "arm" }));
}

export async function collectAll(pool: ClientPool, timeoutMs: number): Promise<CollectResult> {
  const parts = await pool.all<"collect">(() => ({ cmd: "collect", timeoutMs }));
  return {
    arrivals: parts.flatMap((p) => p.arrivals),
    bytes: parts[0]?.bytes ?? 0,
    sampleB64: parts[0]?.sampleB64 ?? "",
  };
}

export async function closeAll(pool: ClientPool, timeoutMs = 10_000): Promise<number> {
  const parts = await pool.all<"close">(() => ({ cmd: "close", timeoutMs }));
  return Math.max(...parts.map((p) => p.elapsedMs));
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
