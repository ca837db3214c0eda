import { Outcome, type OutcomeValue, type PlayerState, type RoomState } from "./state";

/**
 * The player as others (and a reconnecting client) may see them: until the current question is
 * revealed, an answer's effect stays sealed, so the player is shown as they stood before answering.
 * Without this, a snapshot's status or revival-card count would give away the sealed result.
 * @example visiblePlayer(room, outOnWrongAnswer, Outcome.out) // status "playing" until the reveal
 */
export function visiblePlayer(
  room: RoomState,
  player: PlayerState,
  answered: OutcomeValue | null,
): PlayerState {
  const current = room.current;
  const sealed = room.phase === "asking" || room.phase === "closed";
  if (!sealed || current === null || answered === null) return player;
  const revivedNow = answered === Outcome.revived;
  return {
    ...player,
    status: "playing",
    passed: current.index - 1,
    revivalCards: player.revivalCards + (revivedNow ? 1 : 0),
    revivalUsed: revivedNow ? false : player.revivalUsed,
  };
}
