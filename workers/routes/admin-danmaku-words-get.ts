import type { Handler } from "hono";
import { loadDanmakuWords } from "../../schema/queries/danmaku-words";
import type { AppEnv } from "../http/app-env";

/** `GET /api/admin/danmaku/words`: the danmaku filter's word list. */
export const adminDanmakuWordsGet: Handler<AppEnv> = async (c) =>
  c.json({ words: await loadDanmakuWords(c.env.DB) });
