// When a room takes a player's revival card into escrow and when it gives it back (docs/settlement.md,
// "Revival cards: escrow"). Pure.
import type { PlayerState, RoomState } from "./state";

/**
 * Whether a player whose row is created now can still play, and so takes a card into escrow: before
 * the first question, or while it is open (a player joining later can only watch: every later answer
 * is MISSED_EARLIER). A spectator must not lock a card away from the rooms where they could play.
 * @example mayEscrowCard({ ...room, phase: "lobby" }) // true
 */
export function mayEscrowCard(room: RoomState): boolean {
  switch (room.phase) {
    case "created":
    case "lobby":
      return true;
    case "asking":
      return room.current?.index === 0;
    case "closed":
    case "revealed":
    case "ended":
      return false;
  }
}

/**
 * The cards the room gives back at the game's end: the escrowed card of a player who never used it.
 * @example cardsToRelease({ ...player, revivalCards: 1, revivalUsed: false }) // 1
 */
export function cardsToRelease(player: PlayerState): number {
  return player.revivalUsed ? 0 : Math.max(0, player.revivalCards);
}
