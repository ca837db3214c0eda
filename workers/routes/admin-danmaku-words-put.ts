import type { Handler } from "hono";
import { loadDanmakuWords, replaceDanmakuWords } from "../../schema/queries/danmaku-words";
import type { AppEnv } from "../http/app-env";
import { parseInput, readJsonBody } from "../http/validate";
import { WordsInput } from "../input/social";

/**
 * `PUT /api/admin/danmaku/words` `{ words }`: replaces the filter list. Rooms read it again within
 * 30 s; matching is case-insensitive on a normalised form (docs/live-room.md).
 */
export const adminDanmakuWordsPut: Handler<AppEnv> = async (c) => {
  const { words } = parseInput(WordsInput, await readJsonBody(c));
  await replaceDanmakuWords(
    c.env.DB,
    words.map((w) => w.trim()),
    Date.now(),
  );
  return c.json({ words: await loadDanmakuWords(c.env.DB) });
};
