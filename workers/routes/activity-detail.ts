import { activityGifters } from "../../schema/queries/coins";
import { loadActivityHost } from "../../schema/queries/gifts";
import { classifyActivity, shareLink } from "../home/classify";
import { activityGiftTotals, activityWinners, homeActivity } from "../home/read";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { ActivityParams } from "../input/ids";
import { readReplayChunk, readReplayIndex } from "../../schema/queries/replay";

/**
 * `GET /api/activities/:id` (public): one activity for its page. Once ended: its winners as the
 * ledger paid them, the winner count the room announced (`winnersPending` while the settlement queue
 * has not caught up) and whether a replay is ready. Always: the top gifters and gift totals.
 */
export const activityDetail: RouteHandler<{ param: typeof ActivityParams }> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.env.DB;
  const activity = await homeActivity(db, id);
  if (activity === null) throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${id}`);
  const [hostId, gifters, giftTotals, replay] = await Promise.all([
    loadActivityHost(db, id),
    activityGifters(db, id, 10),
    activityGiftTotals(db, id),
    readReplayIndex(db, id),
  ]);
  let result = null;
  if (activity.status === "ended") {
    const winners = await activityWinners(db, id);
    const announced = replay === null ? null : await announcedWinners(db, id, replay.chunkCount);
    result = {
      winners,
      announcedWinners: announced,
      winnersPending: announced === null || winners.length < announced,
    };
  }
  return c.json({
    activity: {
      ...activity,
      section: classifyActivity(activity, Date.now()),
      hostId,
      shareUrl: shareLink(c.req.url, id),
      replayReady: replay !== null,
    },
    result,
    gifts: { ...giftTotals, gifters },
  });
};

/** The winner count of the room's GAME_OVER, from the replay's last chunks (the end is near the end). */
async function announcedWinners(db: D1Database, id: string, chunks: number): Promise<number | null> {
  for (let idx = chunks - 1; idx >= Math.max(0, chunks - 3); idx--) {
    const events = (await readReplayChunk(db, id, idx)) ?? [];
    const over = events.find((e) => e.kind === "game_over");
    if (over !== undefined && over.kind === "game_over") return over.winners;
  }
  return null;
}
