import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";

/** `GET /healthz`: the Worker is up (it touches no binding, so it says nothing about D1 or rooms). */
export const healthz: Handler<AppEnv> = (c) => c.json({ ok: true });
