import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyActivity, sectionOrder, shareLink, STALE_AFTER_MS } from "../../../workers/home/classify";
import {
  CODE_ALPHABET,
  CIRCULAR_MESSAGE,
  DEFAULT_INVITE_REWARD_CAP,
  decideRedeem,
  inviteCodeFrom,
  inviteRewardCap,
  NEW_PLAYER_WINDOW_MS,
  normalizeInviteCode,
  type RedeemInput,
} from "../../../workers/invites/rules";

describe("invite codes", () => {
  it("are 8 Crockford base32 characters", () => {
    expect(inviteCodeFrom(new Uint8Array(8))).toBe("00000000");
    expect(inviteCodeFrom(Uint8Array.from([0, 1, 31, 32, 33, 255, 18, 10]))).toBe("01Z01ZJA");
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        const code = inviteCodeFrom(bytes);
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
        expect(normalizeInviteCode(code.toLowerCase())).toBe(code);
      }),
    );
    expect(CODE_ALPHABET).toHaveLength(32);
  });

  it("normalise what people type; anything else is not a code", () => {
    expect(normalizeInviteCode(" ab-cd efo1 ")).toBe("ABCDEF01");
    expect(normalizeInviteCode("abcdefil")).toBe("ABCDEF11");
    for (const bad of ["", "ABC", "ABCDEFGHJ", "ABCDEFG!", "ABCDEFGU"])
      expect(normalizeInviteCode(bad)).toBeNull();
  });
});

describe("decideRedeem", () => {
  const input = (over: Partial<RedeemInput> = {}): RedeemInput => ({
    inviteeId: "bob",
    inviterId: "alice",
    redeemedFrom: null,
    signedUpAtMs: 1000,
    nowMs: 2000,
    ...over,
  });

  it("rewards the inviter of a new player", () => {
    expect(decideRedeem(input())).toEqual({ ok: true, inviterId: "alice" });
  });

  it("refuses unknown codes, self-invites, a second redemption and old players", () => {
    expect(decideRedeem(input({ inviterId: null }))).toMatchObject({
      ok: false,
      code: "INVITE_CODE_UNKNOWN",
    });
    expect(decideRedeem(input({ inviterId: "bob" }))).toMatchObject({ ok: false, code: "INVITE_SELF" });
    expect(decideRedeem(input({ redeemedFrom: "carol" }))).toMatchObject({
      ok: false,
      code: "INVITE_ALREADY_REDEEMED",
    });
    expect(decideRedeem(input({ redeemedFrom: "alice" }))).toMatchObject({
      ok: false,
      code: "INVITE_ALREADY_REDEEMED",
    });
    expect(decideRedeem(input({ nowMs: 1000 + NEW_PLAYER_WINDOW_MS }))).toMatchObject({ ok: true });
    expect(decideRedeem(input({ nowMs: 1001 + NEW_PLAYER_WINDOW_MS }))).toMatchObject({
      ok: false,
      code: "INVITE_NOT_NEW",
    });
  });
});

describe("invite abuse rules", () => {
  const input = (over: Partial<RedeemInput> = {}): RedeemInput => ({
    inviteeId: "bob",
    inviterId: "alice",
    redeemedFrom: null,
    signedUpAtMs: 1000,
    nowMs: 2000,
    ...over,
  });

  it("refuses a code whose owner joined through the invitee, after the other refusals", () => {
    expect(decideRedeem(input({ circular: true }))).toEqual({
      ok: false,
      code: "INVITE_CIRCULAR",
      message: CIRCULAR_MESSAGE,
    });
    expect(decideRedeem(input({ circular: false }))).toEqual({ ok: true, inviterId: "alice" });
    expect(decideRedeem(input({ circular: true, redeemedFrom: "carol" }))).toMatchObject({
      code: "INVITE_ALREADY_REDEEMED",
    });
  });

  it("reads the reward cap from its var: a non-negative integer, else the default", () => {
    expect(DEFAULT_INVITE_REWARD_CAP).toBe(10);
    expect(inviteRewardCap("25")).toBe(25);
    expect(inviteRewardCap("0")).toBe(0);
    for (const bad of [undefined, "", " ", "-1", "2.5", "ten", "1e400"])
      expect(inviteRewardCap(bad)).toBe(DEFAULT_INVITE_REWARD_CAP);
  });
});

describe("activity home", () => {
  it("classifies by status; a scheduled show 6 h past its start is left off", () => {
    expect(classifyActivity({ status: "live", startAtMs: 0 }, 10)).toBe("live");
    expect(classifyActivity({ status: "ended", startAtMs: 0 }, 10)).toBe("ended");
    expect(classifyActivity({ status: "scheduled", startAtMs: 5000 }, 10)).toBe("upcoming");
    expect(classifyActivity({ status: "scheduled", startAtMs: 0 }, STALE_AFTER_MS)).toBe("upcoming");
    expect(classifyActivity({ status: "scheduled", startAtMs: 0 }, STALE_AFTER_MS + 1)).toBeNull();
  });

  it("orders upcoming soonest first, the others latest first", () => {
    const xs = [
      { id: "b", startAtMs: 2 },
      { id: "a", startAtMs: 2 },
      { id: "c", startAtMs: 1 },
    ];
    expect([...xs].sort(sectionOrder("upcoming")).map((x) => x.id)).toEqual(["c", "a", "b"]);
    expect([...xs].sort(sectionOrder("ended")).map((x) => x.id)).toEqual(["a", "b", "c"]);
  });

  it("shares a link to the viewer page, with the sharer's invite code", () => {
    expect(shareLink("https://live.example/api/x", "quiz-1")).toBe("https://live.example/?room=quiz-1");
    expect(shareLink("https://live.example", "quiz-1", "ABCD2345")).toBe(
      "https://live.example/?room=quiz-1&invite=ABCD2345",
    );
  });
});
