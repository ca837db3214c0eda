import { shareLink } from "../home/classify";
import { homeSections } from "../home/read";
import type { RouteHandler } from "../http/route";
import type { ListLimitQuery } from "../input/social";

/**
 * `GET /api/activities?limit=20` (public): the home page. Upcoming (soonest first), live and ended
 * (latest first) activities with start time, prize pool, rain totals, stream URL and share link.
 */
export const activityHome: RouteHandler<{ query: typeof ListLimitQuery }> = async (c) => {
  const { limit } = c.req.valid("query");
  const now = Date.now();
  const sections = await homeSections(c.env.DB, now, limit);
  const withLink = <T extends { id: string }>(xs: T[]) =>
    xs.map((a) => ({ ...a, shareUrl: shareLink(c.req.url, a.id) }));
  return c.json({
    serverTimeMs: now,
    upcoming: withLink(sections.upcoming),
    live: withLink(sections.live),
    ended: withLink(sections.ended),
  });
};
