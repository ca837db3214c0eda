import { homeActivity } from "../home/read";
import type { RouteHandler } from "../http/route";
import { ApiError } from "../http/errors";
import type { ActivityParams } from "../input/ids";
import type { ReplayQuery } from "../input/social";
import { readReplayChunk, readReplayIndex } from "../../schema/queries/replay";

/**
 * `GET /api/activities/:id/replay?chunk=0` (public): the archived timeline for video-on-demand sync —
 * the index of chunks (each a stream range) and the events of one chunk, in stream order. 404
 * ACTIVITY_NOT_FOUND; 404 REPLAY_NOT_READY until the room archived it (moments after the end);
 * 404 CHUNK_NOT_FOUND (`field: "chunk"`) past the last chunk.
 */
export const activityReplay: RouteHandler<{
  param: typeof ActivityParams;
  query: typeof ReplayQuery;
}> = async (c) => {
  const { id } = c.req.valid("param");
  const { chunk } = c.req.valid("query");
  const index = await readReplayIndex(c.env.DB, id);
  if (index === null) {
    if ((await homeActivity(c.env.DB, id)) === null)
      throw new ApiError(404, "ACTIVITY_NOT_FOUND", `no activity ${id}`);
    throw new ApiError(404, "REPLAY_NOT_READY", "the replay is archived when the activity ends");
  }
  const events = index.chunkCount === 0 && chunk === 0 ? [] : await readReplayChunk(c.env.DB, id, chunk);
  if (events === null)
    throw new ApiError(404, "CHUNK_NOT_FOUND", `chunk ${chunk} of ${index.chunkCount}`, "chunk");
  return c.json({ replay: index, chunk: { idx: chunk, events } });
};
