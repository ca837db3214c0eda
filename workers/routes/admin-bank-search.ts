import { searchBank } from "../../schema/queries/bank";
import type { RouteHandler } from "../http/route";
import type { BankSearchQuery } from "../input/bank";

/**
 * `GET /api/admin/bank/questions?q=&tag=&difficulty=&limit=50&offset=0`: the bank's questions that
 * match every given criterion, newest first, and `total`, how many match in all.
 */
export const adminBankSearch: RouteHandler<{ query: typeof BankSearchQuery }> = async (c) =>
  c.json(await searchBank(c.env.DB, c.req.valid("query")));
