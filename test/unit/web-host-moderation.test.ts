import { describe, expect, it } from "vitest";
import { describeModeration, muteMinutes, parseWords } from "../../web/src/host/moderation-text";
import { socialFailure } from "../../web/src/viewer/social-text";

describe("the console's moderation panel", () => {
  it("reads a word list one per line or comma-separated", () => {
    expect(parseWords("spam\n  ad , spam\n\n")).toEqual(["spam", "ad"]);
    expect(parseWords("   ")).toEqual([]);
  });

  it("says the room's moderation in one line", () => {
    expect(
      describeModeration(
        {
          slowModeSeconds: 10,
          mutes: [
            { userId: "bob", untilMs: null, forShow: true },
            { userId: "eve", untilMs: 5 * 60_000 - 1, forShow: false },
          ],
          shadowMuted: ["mal"],
          words: ["spoiler"],
        },
        0,
      ),
    ).toBe(
      "Slow mode: one danmaku per 10 s per player. Muted: bob (for the show), eve (5 min left). Shadow muted: mal. Room words: spoiler.",
    );
    expect(describeModeration({ slowModeSeconds: 0, mutes: [], shadowMuted: [], words: [] }, 0)).toBe(
      "Slow mode: off. Muted: nobody. Shadow muted: nobody. Room words: none.",
    );
  });

  it("takes 1 to 1440 minutes for a timed mute", () => {
    expect(muteMinutes(" 10 ")).toBe(10);
    expect(muteMinutes("1440")).toBe(1440);
    for (const bad of ["0", "1441", "1.5", "-1", "", "ten"]) expect(muteMinutes(bad)).toBeNull();
  });
});

describe("the viewer's words for moderation refusals", () => {
  it("slow mode's wait in whole seconds, rounded up; a mute for the show", () => {
    expect(socialFailure("SLOW_MODE_WAIT", "slow mode: one danmaku per 10 s; wait 6500 ms")).toBe(
      "Slow mode: wait 7 s.",
    );
    expect(socialFailure("SLOW_MODE_WAIT", "")).toBe("Slow mode: wait a little.");
    expect(socialFailure("MUTED", "muted by the host for the rest of the show")).toBe(
      "The host has muted you for the rest of the show.",
    );
    expect(socialFailure("MUTED", "muted by the host for 30 s more")).toBe(
      "The host has muted you for a while.",
    );
  });
});
