// The token's lifetime as the client sees it: the JWT's `exp` claim read without verifying (the room
// verifies), and when to ask for the next token so that REFRESH reaches the room before `exp`.

/**
 * The `exp` claim of a JWT in ms, or undefined when the token is not a JWT or carries no `exp`.
 * The signature is not checked: this only decides when to refresh.
 *
 * @example
 * tokenExpiryMs("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.sig"); // 1_700_000_000_000
 * tokenExpiryMs("not a jwt"); // undefined
 */
export function tokenExpiryMs(token: string): number | undefined {
  const part = token.split(".")[1];
  if (part === undefined || part === "") return undefined;
  try {
    const b64 = part
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bin = atob(b64);
    const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** How long before `exp` a token is refreshed, at most: a minute (less for short tokens, see below). */
export const REFRESH_LEAD_MS = 60_000;

/**
 * The delay until a token that expires in `remainingMs` should be refreshed: a minute before it
 * expires, or at 80 % of its remaining lifetime when that is earlier (tokens under 5 minutes). 0 when
 * it has (nearly) expired already.
 *
 * @example
 * refreshDelayMs(3_600_000); // 3_540_000 (a minute before)
 * refreshDelayMs(60_000);    // 48_000 (80 %)
 */
export function refreshDelayMs(remainingMs: number): number {
  if (!(remainingMs > 0)) return 0;
  return Math.max(0, remainingMs - Math.min(REFRESH_LEAD_MS, remainingMs * 0.2));
}
