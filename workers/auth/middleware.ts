import { createMiddleware } from "hono/factory";
import { ApiError } from "../http/errors";
import type { AppEnv } from "../http/app-env";
import { type Role, verifyToken } from "../../schema/auth";

/** Roles in increasing power: each role may do what the ones before it may. */
const RANK: Record<Role, number> = { viewer: 0, host: 1, admin: 2 };

/** The token of an `Authorization: Bearer <jwt>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/**
 * Requires a valid bearer token whose role is at least `min` (viewer < host < admin), and puts its
 * claims in `c.var.claims`. 401 TOKEN_INVALID for a missing, malformed, forged or expired token;
 * 403 FORBIDDEN for a role too weak.
 * @example app.use("/api/admin/*", requireRole("admin"))
 */
export function requireRole(min: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (token === null) throw new ApiError(401, "TOKEN_INVALID", "missing Authorization: Bearer <token>");
    const check = await verifyToken(token, c.env.JWT_SECRET);
    if (!check.ok) {
      throw new ApiError(
        401,
        "TOKEN_INVALID",
        check.reason === "expired" ? "token expired" : "token invalid",
      );
    }
    if (RANK[check.claims.role] < RANK[min]) {
      throw new ApiError(403, "FORBIDDEN", `role ${check.claims.role} may not do this (needs ${min})`);
    }
    c.set("claims", check.claims);
    await next();
  });
}
