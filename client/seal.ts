// Sealed quiz results, shared by the room (seal) and every client (unseal).
// No runtime-specific imports: Web Crypto and TextEncoder exist in browsers, Node >= 20 and workerd.

/** A sealed outcome byte decodes to one of these (the values of `liveroom.Outcome`). */
export const OUTCOME_UNKNOWN = 0;
export const OUTCOME_CORRECT = 1;
export const OUTCOME_REVIVED = 2;
export const OUTCOME_OUT_WRONG = 3;

/** One encoder for every seal: it holds no state between calls. */
const utf8 = new TextEncoder();

/**
 * The one-byte pad for a user and a question key: the first byte of SHA-256(key ‖ utf8(userId)).
 * Mixing in the user id makes the same outcome seal to different bytes for different players,
 * so the sealed byte on its own says nothing before the key is revealed.
 *
 * @example
 * const pad = await sealPad(key, "u42"); // 0..255
 */
export async function sealPad(key: Uint8Array, userId: string): Promise<number> {
  const id = utf8.encode(userId);
  const input = new Uint8Array(key.length + id.length);
  input.set(key, 0);
  input.set(id, key.length);
  const digest = await crypto.subtle.digest("SHA-256", input);
  return new Uint8Array(digest)[0]!;
}

/**
 * Seals an outcome (1 CORRECT, 2 REVIVED, 3 OUT_WRONG) for one user: one byte, outcome XOR pad.
 *
 * @example
 * const sealed = await sealOutcome(liveroom.Outcome.CORRECT, questionKey, userId);
 */
export async function sealOutcome(outcome: number, key: Uint8Array, userId: string): Promise<Uint8Array> {
  if (!Number.isInteger(outcome) || outcome < 0 || outcome > 255) {
    throw new RangeError(`outcome must be a byte, got ${outcome}`);
  }
  return Uint8Array.of(outcome ^ (await sealPad(key, userId)));
}

/**
 * Unseals the byte a room sent in an answer acknowledgement, once the reveal has brought the key.
 * Returns the raw outcome number; anything outside 1..3 means a wrong key, user or sealed value.
 *
 * @example
 * const outcome = await unsealOutcome(ack.sealed, reveal.key, welcome.userId); // 1, 2 or 3
 */
export async function unsealOutcome(sealed: Uint8Array, key: Uint8Array, userId: string): Promise<number> {
  if (sealed.length !== 1) return OUTCOME_UNKNOWN;
  return sealed[0]! ^ (await sealPad(key, userId));
}
