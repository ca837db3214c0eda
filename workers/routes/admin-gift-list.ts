import type { Handler } from "hono";
import { listGifts } from "../../schema/queries/gifts";
import type { AppEnv } from "../http/app-env";

/** `GET /api/admin/gifts`: the whole catalog, disabled gifts included, cheapest first. */
export const adminGiftList: Handler<AppEnv> = async (c) => c.json({ gifts: await listGifts(c.env.DB, true) });
