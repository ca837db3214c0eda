// How long a client spreads its reconnect over after a deploy closed every socket (docs/scale.md):
// sized so that each shard takes at most RECONNECTS_PER_SEC_PER_SHARD upgrades a second.

/** Reconnects (upgrade + AUTH or RESUME) one shard absorbs per second while it keeps serving the room. */
export const RECONNECTS_PER_SEC_PER_SHARD = 500;
const MIN_WINDOW_MS = 1_000;
const MAX_WINDOW_MS = 30_000;

/**
 * The reconnect window advertised in the Welcome for a room of `online` viewers on `shards` shards.
 * @example reconnectWindowMs(5_000, 1) // 10_000
 */
export function reconnectWindowMs(online: number, shards: number): number {
  const perShard = Math.ceil(online / Math.max(1, shards));
  const ms = Math.ceil((perShard / RECONNECTS_PER_SEC_PER_SHARD) * 1000);
  return Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, ms));
}
