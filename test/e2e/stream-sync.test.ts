// Sound, picture and question in sync (issue 13), in a real browser with a real HLS stream: the local
// stream (web/public/stream, program-date-time from 2026-01-01T20:00:00Z, 2 s segments). The host
// console plays it and stamps its push with the picture it shows; a phone that opened the stream
// several seconds later (so its picture trails the host's, as a viewer behind a CDN does) holds the
// question until its own picture reaches that stamp, counts the whole window from then, answers after
// the window counted from the push is over, and is accepted under the fair-window rule; the reveal is
// held the same way — also across a lost socket and the snapshot that follows — and verified.
//
// The player's position is measured here independently of the page's code: the stream's first
// program-date-time plus the video's currentTime (the playlist's stamps are contiguous from 0).
// Tolerance: the page shows a held item no earlier than 50 ms before its stamp (hls.js and
// currentTime round differently) and at most 350 ms after (the page checks every 100 ms and on every
// player event; the check itself runs on a loaded 2-core machine).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fromStamp } from "../../client/stream-time";
import { base, call, seedUser, token, uniqueId } from "./support/api";
import { type Browser, DESKTOP, dropNetwork, launch, PHONE, restoreNetwork } from "./support/browser";
import { seeAttr, seeText } from "./support/see";

const EPOCH = Date.parse("2026-01-01T20:00:00.000Z");
const WINDOW_MS = 6_000;
const BUDGET_MS = 20_000;
const GRACE_MS = 500; // ANSWER_GRACE_MS in wrangler.toml
const EARLY_MS = 50;
const LATE_MS = 350;

const run = uniqueId("sync");
const room = run;
const viewerId = `${run}-vera`;

let browser: Browser;
let host: Page;
let viewer: Page;
let pushedAt = 0;
let pushStamp = 0;

// Page-side code is given as strings: this project's Node typecheck has no DOM (like security.test.ts).

/** The picture's position on the stream's clock, read from the video element `id`. */
async function picture(page: Page, id: string): Promise<number> {
  return (await page.evaluate(`document.getElementById(${JSON.stringify(id)}).currentTime * 1000`)) as number;
}

/**
 * Polls a page expression (a string: the page's CSP refuses the eval that waitForFunction needs)
 * until it is truthy, within `timeout` ms; returns its value.
 */
async function until<T>(page: Page, expression: string, timeout: number): Promise<T> {
  let value: unknown;
  await expect
    .poll(
      async () => {
        value = await page.evaluate(expression);
        return Boolean(value);
      },
      { timeout, interval: 50 },
    )
    .toBe(true);
  return value as T;
}

/** Waits (bounded) until the video `id` has played `ms` of the stream. */
async function playedFor(page: Page, id: string, ms: number): Promise<void> {
  const v = `document.getElementById(${JSON.stringify(id)})`;
  await until(page, `${v} !== null && !${v}.paused && ${v}.currentTime * 1000 >= ${ms}`, 30_000);
}

/** Waits until the console's button `id` is enabled (its figures caught up). */
async function enabled(id: string): Promise<void> {
  await until(host, `!document.getElementById(${JSON.stringify(id)}).disabled`, 15_000);
}

/**
 * Records, in the page, the picture's position, the countdown and why the question is shown, the
 * moment `selector` is first visible (a MutationObserver, so no polling delay is measured).
 */
async function recordShow(page: Page, key: string, selector: string): Promise<void> {
  await page.evaluate(`(() => {
    const check = () => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (window[${JSON.stringify(key)}] !== undefined || el === null || el.closest("[hidden]") !== null) return;
      window[${JSON.stringify(key)}] = {
        pictureMs: document.getElementById("video").currentTime * 1000,
        timer: document.getElementById("q-timer").textContent,
        shownBy: document.getElementById("quiz").dataset.shownBy ?? "",
        released: document.body.dataset.released ?? "",
        sockets: window.__e2eSockets.length,
      };
    };
    new MutationObserver(check).observe(document.body, { subtree: true, attributes: true, childList: true });
  })()`);
}

interface Shown {
  pictureMs: number;
  timer: string;
  shownBy: string;
  /** The page's last release, `<action>:<reason>` (web/src/viewer/main.ts). */
  released: string;
  /** Sockets the page opened: 1 unless it reconnected. */
  sockets: number;
}

async function recorded(page: Page, key: string): Promise<Shown> {
  return until<Shown>(page, `window[${JSON.stringify(key)}]`, BUDGET_MS);
}

/** Clicks an operator button in the same task as it reads the console's picture. */
async function operateAt(buttonId: string): Promise<number> {
  return (await host.evaluate(`(() => {
    const ms = document.getElementById("host-video").currentTime * 1000;
    document.getElementById(${JSON.stringify(buttonId)}).click();
    return ms;
  })()`)) as number;
}

/** The stamp the console logged for its last operation `what`. */
async function loggedStamp(what: string): Promise<number> {
  await seeText(host.locator("#log"), `${what} at stream stamp`);
  const text = (await host.locator("#log li").first().textContent()) ?? "";
  const m = /at stream stamp (\d+)/.exec(text);
  if (m === null) throw new Error(`no stamp in "${text}"`);
  return Number(m[1]);
}

describe.sequential("questions in sync with the picture", () => {
  beforeAll(async () => {
    const admin = await token(`${run}-admin`, "admin");
    await seedUser(admin, viewerId);
    await call("POST", "/api/admin/activities", admin, {
      id: room,
      title: `Sync ${run}`,
      startAt: Date.now(),
      prizePoolCents: 1_000,
      answerWindowMs: WINDOW_MS,
      streamUrl: `${base()}/stream/index.m3u8`,
      streamDelayBudgetMs: BUDGET_MS,
      questions: [{ text: "Which planet is red?", options: ["Venus", "Mars"], correct: 1 }],
    });
    browser = await launch();
    host = await browser.page("host", DESKTOP);
    await host.goto(`${base()}/host.html?room=${room}&token=${encodeURIComponent(admin)}`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("a phone opens the stream 6 s after the host console: its picture trails the host's", async () => {
    browser.screenshotOnFailure();
    await playedFor(host, "host-video", 6_000);
    viewer = await browser.page("viewer", PHONE);
    await viewer.goto(`${base()}/?room=${room}&token=${encodeURIComponent(await token(viewerId, "viewer"))}`);
    await seeAttr(viewer.locator("#conn"), "data-state", "open");
    await playedFor(viewer, "video", 500);
    expect((await picture(host, "host-video")) - (await picture(viewer, "video"))).toBeGreaterThan(5_000);
    await enabled("op-open");
    await host.getByRole("button", { name: "Open room", exact: true }).click();
    await seeText(viewer.locator("#lobby-title"), "Waiting for the first question");
  });

  test("the console stamps the push with its picture; the phone shows it when its picture gets there", async () => {
    browser.screenshotOnFailure();
    await enabled("op-push");
    await recordShow(viewer, "__shownQ", "#quiz");
    pushedAt = Date.now();
    const hostPictureMs = await operateAt("op-push");
    pushStamp = await loggedStamp("pushed question 1");
    // The console says how long answers stay open: the window plus the budget.
    await seeText(host.locator("#op-window"), "(window 6 s + stream-delay budget 20 s)");
    const T = fromStamp(pushStamp, EPOCH);
    // The console stamped the picture it showed when the operator clicked.
    expect(Math.abs(T - (EPOCH + hostPictureMs))).toBeLessThanOrEqual(EARLY_MS);

    // The frame is in the phone already; its picture is seconds before T, so the question waits.
    expect(EPOCH + (await picture(viewer, "video"))).toBeLessThan(T - 2_000);
    expect(await viewer.locator("#quiz").isHidden()).toBe(true);

    const shown = await recorded(viewer, "__shownQ");
    // Released because its picture reached T, not by the hold limit, a snapshot or on arrival.
    expect(shown.shownBy).toBe("reached");
    const late = EPOCH + shown.pictureMs - T;
    expect(late, JSON.stringify(shown)).toBeGreaterThanOrEqual(-EARLY_MS);
    expect(late).toBeLessThanOrEqual(LATE_MS);
    // The countdown starts at the show: the whole window, not what was left of it since the push.
    expect(shown.timer).toBe(`${WINDOW_MS / 1000}s`);
    expect(Date.now() - pushedAt).toBeGreaterThan(2_000);
  });

  test("an answer after the window counted from the push is accepted: it counts from the show", async () => {
    browser.screenshotOnFailure();
    await seeText(viewer.locator("#q-timer"), "2s", WINDOW_MS + 2_000);
    const answeredAt = Date.now();
    // Later than push + window + grace: the room accepts it only because the phone reports where its picture is.
    expect(answeredAt - pushedAt).toBeGreaterThan(WINDOW_MS + GRACE_MS);
    await viewer.getByRole("button", { name: "Mars", exact: true }).click();
    await seeText(viewer.locator("#q-note"), "sealed");
    expect(await viewer.locator("#q-note").textContent()).not.toContain("Too late");
  });

  test("the reveal is held the same way, through a reconnect, and the verified mark shows", async () => {
    browser.screenshotOnFailure();
    await enabled("op-reveal");
    await recordShow(viewer, "__shownR", "#q-verified");
    await operateAt("op-reveal");
    const T = fromStamp(await loggedStamp("revealed question 1"), EPOCH);
    expect(EPOCH + (await picture(viewer, "video"))).toBeLessThan(T - 2_000);
    expect(await viewer.locator("#q-verified").isHidden()).toBe(true);
    // The phone loses its socket while the reveal is held (a deploy does this to everyone): the
    // snapshot it gets back must not show the reveal before the picture, nor lose the live reveal's proof.
    await dropNetwork(viewer);
    await restoreNetwork(viewer);
    const shown = await recorded(viewer, "__shownR");
    expect(shown.sockets).toBeGreaterThanOrEqual(2);
    const late = EPOCH + shown.pictureMs - T;
    expect(late, JSON.stringify(shown)).toBeGreaterThanOrEqual(-EARLY_MS);
    expect(late).toBeLessThanOrEqual(LATE_MS);
    await seeText(viewer.locator("#q-note"), "Correct!");
    await seeText(viewer.locator("#q-verified"), "verified ✓");
    await seeAttr(viewer.locator("#q-verified"), "data-verified", "true");
  });
});
