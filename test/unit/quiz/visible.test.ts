import { describe, expect, it } from "vitest";
import { visiblePlayer } from "../../../durable-objects/features/quiz/visible";
import { asking, player } from "./fixtures";

describe("visiblePlayer", () => {
  const out = player({ status: "out", passed: 0 });
  const revived = player({ status: "playing", passed: 1, revivalCards: 0, revivalUsed: true });

  it("shows the player as before their answer while the result is sealed", () => {
    expect(visiblePlayer(asking(1), out, 3)).toEqual({ ...out, status: "playing", passed: 0 });
    expect(visiblePlayer({ ...asking(1), phase: "closed" }, revived, 2)).toEqual({
      ...revived,
      passed: 0,
      revivalCards: 1,
      revivalUsed: false,
    });
  });

  it("shows the truth once the question is revealed, or when the player did not answer", () => {
    expect(visiblePlayer({ ...asking(1), phase: "revealed" }, out, 3)).toEqual(out);
    expect(visiblePlayer(asking(1), out, null)).toEqual(out);
  });
});
