import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockedWord, compileFilter, skeleton } from "../../../durable-objects/features/danmaku/filter";

describe("keyword filter", () => {
  const filter = compileFilter(["spam", "Scam Link", "傻瓜", "", "  "]);

  it("compiles skeletons, dropping blanks and duplicates, longest first", () => {
    expect(compileFilter(["spam", " SPAM ", "S.P.A.M", ""]).words).toEqual(["spam"]);
    expect(filter.words).toEqual(["scamlink", "spam", "傻瓜"]);
  });

  it("folds case, full-width forms, separators and look-alike digits", () => {
    expect(skeleton("B.a-D ＷＯＲＤ")).toBe("badword");
    expect(skeleton("Sp4m!")).toBe("spam");
    expect(skeleton("$c@m")).toBe("scam");
  });

  it("finds a blocked word however it is dressed up", () => {
    for (const t of [
      "SPAM",
      "buy s p a m now",
      "Ｓｐａｍ",
      "sp4m",
      "s.p.a.m",
      "scam-link here",
      "你是傻瓜吗",
    ]) {
      expect(blockedWord(filter, t)).not.toBeNull();
    }
    expect(blockedWord(filter, "buy s p a m now")).toBe("spam");
    expect(blockedWord(filter, "你是傻瓜吗")).toBe("傻瓜");
  });

  it("lets clean text through, and everything through an empty list", () => {
    expect(blockedWord(filter, "great question!")).toBeNull();
    expect(blockedWord(filter, "傻")).toBeNull();
    expect(blockedWord(compileFilter([]), "spam")).toBeNull();
  });

  it("a listed word is found inside any text that contains it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (before, after) => {
        expect(blockedWord(filter, `${before} spam ${after}`)).not.toBeNull();
      }),
    );
  });
});
