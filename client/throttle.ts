/** Parts per million meaning "send every tap". */
export const PPM_ALL = 1_000_000;

/**
 * Whether one red-packet tap should reach the room, given the rain's throttle factor in parts per
 * million and a random number in [0, 1). 1 000 000 sends every tap, 0 sends none.
 *
 * @example
 * shouldSendTap(250_000, Math.random); // true for about one tap in four
 */
export function shouldSendTap(throttlePpm: number, random: () => number): boolean {
  return random() * PPM_ALL < throttlePpm;
}

/**
 * Whether a player holding `grabbed` red packets is at the activity's `cap`, so that a tap could
 * only be refused with CAP_REACHED. A cap of 0 is proto3's "unset" (the room's caps are 1–100):
 * the cap is not known yet and nothing is held back.
 *
 * @example
 * atGrabCap(3, 3); // true
 * atGrabCap(3, 0); // false: no cap known
 */
export function atGrabCap(grabbed: number, cap: number): boolean {
  return cap > 0 && grabbed >= cap;
}
