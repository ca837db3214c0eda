import { loadDanmakuWords, replaceDanmakuWords } from "../../schema/queries/danmaku-words";
import type { RouteHandler } from "../http/route";
import type { WordsInput } from "../input/social";

/**
 * `PUT /api/admin/danmaku/words` `{ words }`: replaces the filter list. Rooms read it again within
 * 30 s; matching is case-insensitive on a normalised form (docs/live-room.md).
 */
export const adminDanmakuWordsPut: RouteHandler<{ json: typeof WordsInput }> = async (c) => {
  const { words } = c.req.valid("json");
  await replaceDanmakuWords(
    c.env.DB,
    words.map((w) => w.trim()),
    Date.now(),
  );
  return c.json({ words: await loadDanmakuWords(c.env.DB) });
};
