import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import { parseInput } from "../http/validate";
import { HistoryQuery } from "../input/money";
import { historyOf } from "../ledger/read";

/**
 * `GET /api/me/history?cursor=&limit=20`: the caller's prizes and red packets, newest first;
 * `nextCursor` (null on the last page) fetches the next page.
 */
export const meHistory: Handler<AppEnv> = async (c) => {
  const { cursor, limit } = parseInput(HistoryQuery, c.req.query());
  return c.json(await historyOf(c.env.DB, c.var.claims.sub, cursor ?? null, limit));
};
