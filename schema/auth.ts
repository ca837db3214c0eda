import { sign, verify } from "hono/jwt";
import { JwtTokenExpired } from "hono/utils/jwt/types";

/** Who a token says its bearer is. Host and admin may run a room; admin also manages activities. */
export type Role = "viewer" | "host" | "admin";

export interface Claims {
  sub: string;
  role: Role;
  /** Expiry, seconds since the epoch. */
  exp: number;
  name?: string;
}

export type TokenCheck = { ok: true; claims: Claims } | { ok: false; reason: "expired" | "invalid" };

const ROLES: readonly string[] = ["viewer", "host", "admin"];

/**
 * Signs an HS256 token.
 * @example await signToken({ sub: "u1", role: "viewer", exp: nowSec + 3600 }, env.JWT_SECRET)
 */
export function signToken(claims: Claims, secret: string): Promise<string> {
  return sign({ ...claims }, secret, "HS256");
}

/** Verifies an HS256 token and its claims; a forged, malformed or expired token is a value, not a throw. */
export async function verifyToken(token: string, secret: string): Promise<TokenCheck> {
  try {
    const payload = await verify(token, secret, "HS256");
    const { sub, role, exp, name } = payload;
    if (typeof sub !== "string" || sub.length === 0 || sub.length > 64)
      return { ok: false, reason: "invalid" };
    if (typeof role !== "string" || !ROLES.includes(role)) return { ok: false, reason: "invalid" };
    if (typeof exp !== "number") return { ok: false, reason: "invalid" };
    const claims: Claims = { sub, role: role as Role, exp };
    if (typeof name === "string") claims.name = name;
    return { ok: true, claims };
  } catch (err) {
    return { ok: false, reason: err instanceof JwtTokenExpired ? "expired" : "invalid" };
  }
}

/** Whether a role may run a room (open, push, reveal, end, start a rain). */
export function canOperate(role: Role): boolean {
  return role === "host" || role === "admin";
}
