// Provably fair reveals (docs/protocol.md): the room commits to a question's correct option when it
// pushes the question and opens the commitment with the reveal. Shared by the room (commit) and every
// client (verifyReveal). No runtime-specific imports: Web Crypto and TextEncoder exist in browsers,
// Node >= 20 and workerd.
import type { liveroom } from "../schema/generated/live.js";

/** Bytes of a question key and of a salt. */
export const KEY_BYTES = 16;
export const SALT_BYTES = 16;
/** Bytes of a commitment: one SHA-256 digest. */
export const COMMITMENT_BYTES = 32;

/** One encoder for every commitment: it holds no state between calls. */
const utf8 = new TextEncoder();

/**
 * The commitment to a question's correct option:
 *
 *   SHA-256( key (16 bytes) ‖ utf8(activityId) ‖ question (uint32, big-endian) ‖ correct (1 byte) ‖ salt (16 bytes) )
 *
 * The key and the salt have a fixed length and the activity id is the only variable-length part, so
 * one input reads back one way only. Throws a RangeError for a key or salt of another length, a
 * question outside uint32 or a correct option outside 0..255.
 *
 * @example
 * const commitment = await commit(key, "act_1", 0, 2, salt); // 32 bytes
 */
export async function commit(
  key: Uint8Array,
  activityId: string,
  question: number,
  correct: number,
  salt: Uint8Array,
): Promise<Uint8Array> {
  if (key.length !== KEY_BYTES) throw new RangeError(`key must be ${KEY_BYTES} bytes, got ${key.length}`);
  if (salt.length !== SALT_BYTES)
    throw new RangeError(`salt must be ${SALT_BYTES} bytes, got ${salt.length}`);
  if (!Number.isInteger(question) || question < 0 || question > 0xffff_ffff) {
    throw new RangeError(`question must be a uint32, got ${question}`);
  }
  if (!Number.isInteger(correct) || correct < 0 || correct > 255) {
    throw new RangeError(`correct must be a byte, got ${correct}`);
  }
  const id = utf8.encode(activityId);
  const input = new Uint8Array(KEY_BYTES + id.length + 4 + 1 + SALT_BYTES);
  input.set(key, 0);
  input.set(id, KEY_BYTES);
  new DataView(input.buffer).setUint32(KEY_BYTES + id.length, question, false);
  input[KEY_BYTES + id.length + 4] = correct;
  input.set(salt, KEY_BYTES + id.length + 5);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", input));
}

/** What `verifyReveal` reads of a question: a QuestionPushed, or the SDK's QuestionInfo. */
export type CommittedQuestion = Pick<liveroom.IQuestionPushed, "question" | "commitment">;
/** What `verifyReveal` reads of a reveal: an AnswerRevealed, or the SDK's RevealInfo. */
export type OpeningReveal = Pick<liveroom.IAnswerRevealed, "question" | "correct" | "key" | "salt">;

/**
 * Whether `reveal` opens the commitment `question` carried: same question, and the commitment
 * recomputed from the reveal's key, correct option and salt equals the one pushed. False when the
 * question carried no commitment or the reveal no salt (a question pushed before rooms committed).
 *
 * @example
 * const verified = await verifyReveal(pushedQuestion, reveal, welcome.room.activityId);
 */
export async function verifyReveal(
  question: CommittedQuestion,
  reveal: OpeningReveal,
  activityId: string,
): Promise<boolean> {
  const pushed = question.commitment;
  const { key, salt } = reveal;
  const index = question.question ?? 0;
  const correct = reveal.correct ?? 0;
  if (!pushed || pushed.length !== COMMITMENT_BYTES) return false;
  if (!key || key.length !== KEY_BYTES || !salt || salt.length !== SALT_BYTES) return false;
  if ((reveal.question ?? 0) !== index || correct > 255) return false;
  const expected = await commit(key, activityId, index, correct, salt);
  let diff = 0;
  for (let i = 0; i < COMMITMENT_BYTES; i++) diff |= expected[i]! ^ pushed[i]!;
  return diff === 0;
}
