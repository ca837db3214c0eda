// The id a grab's answer is kept under, so that the same grab sent again gets the same answer.

/** The longest `Grab.grab_id` the room accepts; a longer one is MALFORMED. */
export const MAX_GRAB_ID_CHARS = 64;

/**
 * The replay id of a grab, unique per (user, rain): the client's `grab_id` when it sent one, else
 * the frame's seq. The prefixes keep the two namespaces apart, so grab id "7" never matches seq 7.
 * Seq-only clients must keep their seqs increasing across reconnects (see schema/live.proto `Grab`).
 *
 * @example replayId("k3x9.12", 40) // → "g:k3x9.12"; replayId("", 40) // → "s:40"
 */
export function replayId(grabId: string, seq: number): string {
  return grabId === "" ? `s:${seq}` : `g:${grabId}`;
}
