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
