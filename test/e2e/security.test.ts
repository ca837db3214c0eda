// The pages' security headers and the token in the link (docs/security.md): a viewer link carries
// ?token=…, and no request the page makes may carry it on as a Referer; the pages and the API send
// their CSP, nosniff, no-referrer and no-framing headers; and the pages still work under that CSP.
import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { base, call, seedUser, token, uniqueId } from "./support/api";
import { type Browser, DESKTOP, launch, PHONE } from "./support/browser";
import { seeAttr, seeText } from "./support/see";

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: https: http:; " +
  "connect-src 'self' https: http:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const common = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

// Every CSP violation a page reports, whatever caused it (a script, a style attribute, a connection).
const RECORD_VIOLATIONS = `(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
  });
})();`;

let browser: Browser;
let admin: string;
const room = uniqueId("sec");
const viewerId = uniqueId("sec-viewer");

interface Seen {
  url: string;
  referer: string | undefined;
}

/**
 * A page whose every request is recorded with the Referer it really sent (all headers, not the safe
 * subset), until `stop()`: requests after it (the page keeps polling) are not waited for.
 */
async function recordedPage(
  name: string,
  size: typeof PHONE,
): Promise<{ page: Page; stop: () => Promise<Seen[]> }> {
  const page = await browser.page(name, size);
  await page.addInitScript(RECORD_VIOLATIONS);
  const seen: Promise<Seen>[] = [];
  let recording = true;
  page.on("request", (req: Request) => {
    if (recording) seen.push(req.allHeaders().then((h) => ({ url: req.url(), referer: h.referer })));
  });
  return {
    page,
    stop: () => {
      recording = false;
      return Promise.all(seen);
    },
  };
}

const pick = (headers: Record<string, string>, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, headers[n]]));

describe("security headers and the token in the link", () => {
  beforeAll(async () => {
    admin = await token(uniqueId("sec-admin"), "admin");
    await seedUser(admin, viewerId);
    await call("POST", "/api/admin/activities", admin, {
      id: room,
      title: "Guarded show",
      startAt: Date.now(),
      prizePoolCents: 500,
      questions: [{ text: "Safe?", options: ["yes", "no"], correct: 0 }],
    });
    await call("POST", `/api/rooms/${room}/open`, admin, {});
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("the viewer page sends no Referer with the token, drops it from the address bar, and works under its CSP", async () => {
    browser.screenshotOnFailure();
    const viewerToken = await token(viewerId, "viewer");
    const { page, stop } = await recordedPage("viewer", PHONE);
    const joined = page.waitForResponse((r) => r.url().includes(`/api/join/${room}`));
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    const doc = await page.goto(`${base()}/?room=${room}&token=${viewerToken}`);
    await seeAttr(page.locator("#conn"), "data-state", "open");
    // The room's socket carries the token as its subprotocol, never in its URL (proxies and logs keep URLs).
    expect(sockets.map((u) => new URL(u).pathname)).toEqual([`/rooms/${room}/ws`]);
    expect(sockets.filter((u) => u.includes("token"))).toEqual([]);
    expect(page.url()).toBe(`${base()}/?room=${room}`);

    // Danmaku are placed with inline styles set from the script: allowed by the CSP, unlike style attributes.
    await page.getByLabel("Send a comment").fill("all safe here");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await seeText(page.locator("#danmaku-layer .mine"), "all safe here");

    const requests = await stop();
    const paths = requests.map((r) => new URL(r.url).pathname);
    expect(paths).toEqual(expect.arrayContaining(["/", "/style.css", "/viewer.js", `/api/join/${room}`]));
    // Not one request leaks the token, nor even the page's address: no Referer at all.
    expect(requests.filter((r) => r.referer?.includes(viewerToken))).toEqual([]);
    expect(requests.filter((r) => r.referer !== undefined)).toEqual([]);

    expect(pick(doc!.headers(), ["content-security-policy", ...Object.keys(common)])).toEqual({
      "content-security-policy": PAGE_CSP,
      ...common,
    });
    const api = await joined;
    expect(api.status()).toBe(200);
    expect(pick(await api.allHeaders(), ["content-security-policy", ...Object.keys(common)])).toEqual({
      "content-security-policy": API_CSP,
      ...common,
    });
    // The one thing refused: long.js (protobufjs's 64-bit integers) first tries a tiny WebAssembly
    // multiply and falls back to plain JavaScript when the CSP says no ('wasm-unsafe-eval' is not granted).
    const violations = (await page.evaluate("window.__cspViolations")) as string[];
    expect(violations.filter((v) => v !== "script-src wasm-eval")).toEqual([]);
  });

  test("the host console sends no Referer with its token and works under its CSP", async () => {
    browser.screenshotOnFailure();
    const { page, stop } = await recordedPage("host", DESKTOP);
    const doc = await page.goto(`${base()}/host.html?room=${room}&token=${admin}`);
    await seeText(page.locator("#who"), "admin");
    expect(page.url()).not.toContain(admin);
    const requests = await stop();
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual(
      expect.arrayContaining(["/host.html", "/style.css", "/host.js"]),
    );
    expect(requests.filter((r) => r.referer !== undefined)).toEqual([]);
    expect(pick(doc!.headers(), ["content-security-policy", ...Object.keys(common)])).toEqual({
      "content-security-policy": PAGE_CSP,
      ...common,
    });
    // The console watches the room over a socket too (its moderation panel): the same long.js probe.
    const violations = (await page.evaluate("window.__cspViolations")) as string[];
    expect(violations.filter((v) => v !== "script-src wasm-eval")).toEqual([]);
  });
});
