/** What a page may read from a token without its secret: who, which role, until when. Never trusted by the server. */
export interface TokenClaims {
  sub: string;
  role: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  name: string | undefined;
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), "="));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/**
 * The claims of a JWT, read (not verified) so that the page can say "expired" before connecting:
 * a browser WebSocket never shows the upgrade's 401 body.
 *
 * @example readClaims(token)?.role // "viewer"
 */
export function readClaims(token: string): TokenClaims | undefined {
  const parts = token.trim().split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(base64UrlDecode(parts[1]!));
    if (typeof payload !== "object" || payload === null) return undefined;
    const { sub, role, exp, name } = payload as Record<string, unknown>;
    if (typeof sub !== "string" || typeof role !== "string" || typeof exp !== "number") return undefined;
    return { sub, role, exp, name: typeof name === "string" ? name : undefined };
  } catch {
    return undefined;
  }
}

/** Whether the claims' expiry has passed at `nowMs`. */
export function isExpired(claims: TokenClaims, nowMs: number): boolean {
  return claims.exp * 1000 <= nowMs;
}
