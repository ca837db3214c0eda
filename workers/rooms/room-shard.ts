// Which shard object a socket goes to (DESIGN §8, docs/scale.md): `shardOf(user) mod N`, with N read
// once per activity and isolate (it is fixed at creation, so the cache never goes stale).
import { loadActivityShards } from "../../schema/queries/activities";
import { shardObjectName, shardOf } from "../../schema/shards";

const shardCounts = new Map<string, number>();

/** The activity's shard count; 1 for an unknown activity (its coordinator answers 404). */
export async function roomShards(db: D1Database, activityId: string): Promise<number> {
  const known = shardCounts.get(activityId);
  if (known !== undefined) return known;
  const n = await loadActivityShards(db, activityId);
  if (n === null) return 1;
  shardCounts.set(activityId, n);
  return n;
}

/**
 * The shard a socket reaches and its object's name. A user's sockets always reach `shardOf(user)`;
 * a tokenless socket a random shard (it must bring its token in the upgrade to be placed: the room
 * refuses an AUTH for another shard's user with WRONG_SHARD).
 */
export function socketShard(
  activityId: string,
  userId: string | null,
  shards: number,
): { shard: number; name: string } {
  const shard = userId === null ? Math.floor(Math.random() * shards) : shardOf(userId, shards);
  return { shard, name: shardObjectName(activityId, shard) };
}
