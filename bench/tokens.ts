// Tokens signed with the bench's own secret (never a real one), shared by the runner and clients.
import { signToken } from "../schema/auth";

export const BENCH_SECRET = "liveroom-bench-secret";

export type Role = "viewer" | "host" | "admin";

export function benchToken(sub: string, role: Role, ttlSec = 6 * 3600): Promise<string> {
  return signToken({ sub, role, exp: Math.floor(Date.now() / 1000) + ttlSec }, BENCH_SECRET);
}
