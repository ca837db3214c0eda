import type { Handler } from "hono";
import { bankTags } from "../../schema/queries/bank";
import type { AppEnv } from "../http/app-env";

/** `GET /api/admin/bank/tags`: every tag of the bank with its question count, most used first (500 at most). */
export const adminBankTags: Handler<AppEnv> = async (c) => c.json({ tags: await bankTags(c.env.DB) });
