import { describe, expect, it } from "vitest";
import { cardsToRelease, mayEscrowCard } from "../../../durable-objects/features/quiz/revival";
import type { RoomState } from "../../../durable-objects/features/quiz/state";
import { activity, asking, player } from "./fixtures";

describe("mayEscrowCard", () => {
  const at = (phase: RoomState["phase"], index: number | null): RoomState => ({
    ...asking(index ?? 0),
    phase,
    current: index === null ? null : asking(index).current,
  });

  it("takes a card from a player who can still play: before the first question, or while it is open", () => {
    expect(mayEscrowCard({ activity, phase: "created", current: null, reveal: null, gameOver: null })).toBe(
      true,
    );
    expect(mayEscrowCard(at("lobby", null))).toBe(true);
    expect(mayEscrowCard(at("asking", 0))).toBe(true);
  });

  it("takes none from a player who can only watch", () => {
    expect(mayEscrowCard(at("closed", 0))).toBe(false);
    expect(mayEscrowCard(at("revealed", 0))).toBe(false);
    expect(mayEscrowCard(at("asking", 1))).toBe(false);
    expect(mayEscrowCard(at("ended", 2))).toBe(false);
  });
});

describe("cardsToRelease", () => {
  it("gives back an escrowed card never used, and nothing else", () => {
    expect(cardsToRelease(player({ revivalCards: 1, revivalUsed: false }))).toBe(1);
    expect(cardsToRelease(player({ revivalCards: 0, revivalUsed: true }))).toBe(0);
    expect(cardsToRelease(player({ revivalCards: 0, revivalUsed: false }))).toBe(0);
    // A row written before escrows (its count copied from D1) that used a card: nothing is held.
    expect(cardsToRelease(player({ revivalCards: 1, revivalUsed: true }))).toBe(0);
  });
});
