// Revival-card escrow (docs/settlement.md): a room takes one card from a player's D1 balance when the
// player's row is first created there, so that one card can never be held by two rooms at once, and
// another room's welcome shows the same count whatever the player answered here.

/** The cards one escrow holds: a game uses at most one. */
export const ESCROW_CARDS = 1;

/**
 * Takes one card into escrow for each of `userIds` in `activityId` that holds a card and has no
 * escrow there yet, and answers every user's escrowed cards in this activity (absent: none). One D1
 * batch, two statements, whatever the number of users (the ids travel as one JSON parameter).
 * Atomic and idempotent: the INSERT only takes a card from a balance of at least one (the trigger
 * `revival_escrows_take` moves it), a second take for the same (user, activity) inserts nothing and
 * answers the same escrow, and a concurrent take for another activity runs after this batch and
 * finds the balance without the card. A released escrow answers none: its card went back.
 * @example await takeRevivalEscrows(env.DB, "quiz-7", ["u1", "u2"], Date.now()) // Map { "u1" => 1 }
 */
export async function takeRevivalEscrows(
  d1: D1Database,
  activityId: string,
  userIds: readonly string[],
  nowMs: number,
): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const ids = JSON.stringify(userIds);
  const [, held] = await d1.batch<{ user_id: string; cards: number }>([
    d1
      .prepare(
        "INSERT INTO revival_escrows (user_id, activity_id, cards, taken_at) " +
          "SELECT id, ?, ?, ? FROM users WHERE id IN (SELECT value FROM json_each(?)) AND revival_cards >= ? " +
          "ON CONFLICT (user_id, activity_id) DO NOTHING",
      )
      .bind(activityId, ESCROW_CARDS, nowMs, ids, ESCROW_CARDS),
    d1
      .prepare(
        "SELECT e.user_id, e.cards FROM revival_escrows e " +
          "WHERE e.activity_id = ? AND e.user_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS " +
          "(SELECT 1 FROM revival_card_releases r WHERE r.user_id = e.user_id AND r.activity_id = e.activity_id AND r.returned = 1)",
      )
      .bind(activityId, ids),
  ]);
  return new Map((held?.results ?? []).map((r) => [r.user_id, r.cards]));
}
