import type { RouteHandler } from "../http/route";
import type { HistoryQuery } from "../input/money";
import { historyOf } from "../ledger/read";

/**
 * `GET /api/me/history?cursor=&limit=20`: the caller's prizes and red packets, newest first;
 * `nextCursor` (null on the last page) fetches the next page.
 */
export const meHistory: RouteHandler<{ query: typeof HistoryQuery }> = async (c) => {
  const { cursor, limit } = c.req.valid("query");
  return c.json(await historyOf(c.env.DB, c.var.claims.sub, cursor ?? null, limit));
};
