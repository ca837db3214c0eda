/**
 * The headers on every response of the Worker (the API, errors, 404s, the upgrade's refusals): JSON
 * that no page may frame, sniff into HTML, or load as a resource of any kind, and no Referer onwards.
 * The pages are static assets and get theirs, with their own CSP, from web/public/_headers.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

/**
 * `res` with `API_SECURITY_HEADERS` set. A 101 (the room's socket) is passed through untouched: its
 * headers are the handshake's, and a copy would lose the socket. Others are copied, since a response
 * from a Durable Object's `fetch` has immutable headers.
 * @example fetch: async (req, env, ctx) => withSecurityHeaders(await app.fetch(req, env, ctx))
 */
export function withSecurityHeaders(res: Response): Response {
  if (res.status === 101 || res.webSocket !== null) return res;
  const out = new Response(res.body, res);
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) out.headers.set(name, value);
  return out;
}
