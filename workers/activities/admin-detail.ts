// The admin's view of an activity (`GET`/`POST /api/admin/activities`): what D1 holds, plus each
// rain's smallest and largest packet, derived from its seed like every amount (never stored).
import { rainPackets } from "../../durable-objects/features/rain/packets";
import type { RainConfig } from "../../schema/activity";
import type { ActivityDetail } from "../../schema/queries/activities";

/** One rain as the admin sees it: the totals and seed, not the (possibly 100,000) packet amounts. */
export interface RainSummary extends RainConfig {
  minPacketCents: number;
  maxPacketCents: number;
}

/** An activity with its questions (correct option included) and rain summaries, for the admin. */
export interface AdminActivityDetail extends Omit<ActivityDetail, "rains"> {
  rains: RainSummary[];
}

/**
 * `rain` with its smallest and largest packet, from `rainPackets` (a 100,000-packet split costs
 * milliseconds; only the admin routes ask). One pass rather than Math.min(...packets): spreading
 * 100,000 arguments risks the call stack limit.
 *
 * @example rainSummary({ totalCents: 10, count: 10, targetTapsPerSec: 1000, durationMs: 20_000, seed: "s" })
 * // → { …the rain, minPacketCents: 1, maxPacketCents: 1 }
 */
export function rainSummary(rain: RainConfig): RainSummary {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const cents of rainPackets(rain)) {
    if (cents < min) min = cents;
    if (cents > max) max = cents;
  }
  return { ...rain, minPacketCents: min, maxPacketCents: max };
}

/** The admin's view of `activity`: the same fields, each rain with its packet range. */
export function adminActivityDetail(activity: ActivityDetail): AdminActivityDetail {
  return { ...activity, rains: activity.rains.map(rainSummary) };
}
