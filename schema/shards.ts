// Which shard of a room a user's sockets reach (DESIGN §8, docs/scale.md). Shared by the Worker, which
// routes each socket, and the rooms, which refuse a user who reached the wrong shard.

/**
 * A user's shard: FNV-1a (32-bit) over the UTF-8 bytes of the user id, modulo the shard count.
 * Stable across deploys and runtimes, so every socket of a user reaches the same shard.
 * @example shardOf("u1", 8) // 3
 */
export function shardOf(userId: string, shards: number): number {
  if (shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(userId)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/**
 * The Durable Object name of shard `k` of an activity's room. Shard 0 is the coordinator's own object
 * (named after the activity, as a room always was), so a one-shard room is one object.
 * @example shardObjectName("quiz-1", 3) // "quiz-1#3"
 */
export function shardObjectName(activityId: string, shard: number): string {
  return shard === 0 ? activityId : `${activityId}#${shard}`;
}
