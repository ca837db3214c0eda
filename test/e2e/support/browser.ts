// Debian's Chromium driven by playwright-core (no downloaded browsers). Each page gets its own
// browser context (its own storage and network, like a separate phone); playwright starts Chromium
// with a fresh temporary --user-data-dir of its own. Screenshots of every open page when a test fails.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { onTestFailed } from "vitest";
import { ROOT } from "./server";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  /** A new tab of the given size, named for failure screenshots. */
  page(name: string, size: { width: number; height: number }): Promise<Page>;
  /** Saves a screenshot of every open page under test-results/e2e/ when the current test fails. */
  screenshotOnFailure(): void;
  close(): Promise<void>;
}

// Records every WebSocket a page opens, so that a test can drop them as a lost network would.
const TRACK_SOCKETS = `(() => {
  const Native = window.WebSocket;
  window.__e2eSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__e2eSockets.push(this); }
  };
})();`;

export async function launch(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timeout: 30_000,
  });
  const pages = new Map<string, Page>();
  return {
    async page(name, size) {
      const context = await browser.newContext({ viewport: size });
      context.setDefaultTimeout(10_000);
      await context.addInitScript(TRACK_SOCKETS);
      const page = await context.newPage();
      page.on("pageerror", (err) => console.error(`[${name}] page error:`, err.message));
      pages.set(name, page);
      return page;
    },
    screenshotOnFailure() {
      onTestFailed(async ({ task }) => {
        const dir = join(ROOT, "test-results", "e2e");
        mkdirSync(dir, { recursive: true });
        const slug = task.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
        for (const [name, page] of pages) {
          if (page.isClosed()) continue;
          await page
            .screenshot({ path: join(dir, `${slug}-${name}.png`), fullPage: true, timeout: 5_000 })
            .catch(() => undefined);
        }
      });
    },
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

/** Drops a page's room sockets while keeping it offline, as a phone losing its network would. */
export async function dropNetwork(page: Page): Promise<void> {
  await page.context().setOffline(true);
  await page.evaluate("window.__e2eSockets.forEach((s) => s.close())");
}

export async function restoreNetwork(page: Page): Promise<void> {
  await page.context().setOffline(false);
}

/** With LIVEROOM_SCREENSHOTS=1 (`npm run screenshots`), saves the README's picture of `page`. */
export async function docScreenshot(
  page: Page,
  name: string,
  opts: { settleMs?: number; fullPage?: boolean } = {},
): Promise<void> {
  if (!process.env.LIVEROOM_SCREENSHOTS) return;
  const dir = join(ROOT, "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  // Lets moving things (danmaku) reach the middle of the picture.
  if (opts.settleMs) await page.waitForTimeout(opts.settleMs);
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: opts.fullPage ?? false });
}
