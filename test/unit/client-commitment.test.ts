import { describe, expect, it } from "vitest";
import { commit, verifyReveal } from "../../client/commitment.js";
import { liveroom } from "../../schema/proto";

const key = Uint8Array.from({ length: 16 }, (_, i) => i); // 00 01 … 0f
const salt = Uint8Array.from({ length: 16 }, (_, i) => 16 + i); // 10 11 … 1f
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// SHA-256(000102…0f ‖ "act_1" ‖ 00000002 ‖ 01 ‖ 101112…1f), computed outside this code base.
const COMMITMENT = "5437220d9f35c02481262e0a1017c638011e5648481ae9c66441a838807b0d03";

describe("commit", () => {
  it("hashes key ‖ utf8(activity id) ‖ question as uint32 BE ‖ correct as 1 byte ‖ salt", async () => {
    expect(hex(await commit(key, "act_1", 2, 1, salt))).toBe(COMMITMENT);
    expect(hex(await commit(key, "act_1", 0, 0, salt))).toBe(
      "f9cf1cb814f1dd7bb1f13f46fe6d0c144e124e180a41116bd1c1a80689af3ea4",
    );
    // Multi-byte UTF-8, every byte of the question index, the largest option byte.
    expect(hex(await commit(key, "é", 0x01020304, 255, salt))).toBe(
      "4ef6301a3dccff51229cfcf75a16262a8ef1c9c4df27cafff8168054d8a76227",
    );
  });

  it("refuses a key or salt of another length, a question outside uint32 and an option outside a byte", async () => {
    await expect(commit(key.subarray(1), "a", 0, 0, salt)).rejects.toThrow(RangeError);
    await expect(commit(key, "a", 0, 0, new Uint8Array(15))).rejects.toThrow(RangeError);
    await expect(commit(key, "a", -1, 0, salt)).rejects.toThrow(RangeError);
    await expect(commit(key, "a", 2 ** 32, 0, salt)).rejects.toThrow(RangeError);
    await expect(commit(key, "a", 0, 256, salt)).rejects.toThrow(RangeError);
    await expect(commit(key, "a", 0, 1.5, salt)).rejects.toThrow(RangeError);
  });
});

describe("verifyReveal", () => {
  const question = liveroom.QuestionPushed.create({
    question: 2,
    text: "Q3",
    options: ["a", "b", "c"],
    commitment: Buffer.from(COMMITMENT, "hex"),
  });
  const reveal = liveroom.AnswerRevealed.create({ question: 2, correct: 1, key, counts: [0, 1, 0], salt });

  it("accepts the reveal that opens the question's commitment", async () => {
    expect(await verifyReveal(question, reveal, "act_1")).toBe(true);
    // Through the wire too: encoded and decoded messages.
    const q = liveroom.QuestionPushed.decode(liveroom.QuestionPushed.encode(question).finish());
    const r = liveroom.AnswerRevealed.decode(liveroom.AnswerRevealed.encode(reveal).finish());
    expect(await verifyReveal(q, r, "act_1")).toBe(true);
  });

  it("refuses a tampered reveal: wrong key, correct option, salt, question or activity", async () => {
    const flipped = (b: Uint8Array, i: number) => Uint8Array.from(b, (v, j) => (j === i ? v ^ 1 : v));
    const tampered = async (over: Partial<liveroom.IAnswerRevealed>) =>
      verifyReveal(question, { ...reveal, ...over }, "act_1");
    expect(await tampered({ key: flipped(key, 0) })).toBe(false);
    expect(await tampered({ key: flipped(key, 15) })).toBe(false);
    expect(await tampered({ correct: 0 })).toBe(false);
    expect(await tampered({ correct: 2 })).toBe(false);
    expect(await tampered({ salt: flipped(salt, 7) })).toBe(false);
    // The reveal of another question, and the right opening for another question index.
    expect(await tampered({ question: 1 })).toBe(false);
    expect(await verifyReveal({ ...question, question: 1 }, { ...reveal, question: 1 }, "act_1")).toBe(false);
    expect(await verifyReveal(question, reveal, "act_2")).toBe(false);
    expect(
      await verifyReveal({ ...question, commitment: flipped(question.commitment, 31) }, reveal, "act_1"),
    ).toBe(false);
  });

  it("is false without a commitment or a salt (a question pushed before rooms committed)", async () => {
    expect(await verifyReveal({ ...question, commitment: new Uint8Array(0) }, reveal, "act_1")).toBe(false);
    expect(await verifyReveal({ question: 2 }, reveal, "act_1")).toBe(false);
    expect(await verifyReveal(question, { ...reveal, salt: new Uint8Array(0) }, "act_1")).toBe(false);
    expect(await verifyReveal(question, { ...reveal, key: new Uint8Array(0) }, "act_1")).toBe(false);
    expect(await verifyReveal(question, { ...reveal, correct: 257 }, "act_1")).toBe(false);
  });
});
