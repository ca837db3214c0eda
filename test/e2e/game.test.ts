// A whole show in real browsers: the host console creates and runs an activity while three phone-sized
// viewers play it. Alice wins, Bob is eliminated, Carol is saved once by her revival card (and wins);
// Bob loses his network for a while and comes back into the game, and keeps chatting once out;
// Carol sends a gift; Alice taps the red-packet rain.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { base, call, seedUser, token, uniqueId } from "./support/api";
import {
  type Browser,
  DESKTOP,
  docScreenshot,
  dropNetwork,
  launch,
  PHONE,
  restoreNetwork,
} from "./support/browser";
import { seeAttr, seeText, seeVisible, visibleText } from "./support/see";

const run = uniqueId("e2e");
const room = run;
const users = { alice: `${run}-alice`, bob: `${run}-bob`, carol: `${run}-carol` };
const TITLE = `Browser quiz ${run}`;
const GIFT = `Rose ${run}`;

let browser: Browser;
let admin: string;
let host: Page;
const viewer: Record<keyof typeof users, Page> = {} as Record<keyof typeof users, Page>;

const option = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
const hostButton = (name: string) => host.getByRole("button", { name, exact: true });
const note = (page: Page) => page.locator("#q-note");
const status = (page: Page) => page.locator("#me-status");

async function openViewer(name: keyof typeof users): Promise<Page> {
  const page = await browser.page(name, PHONE);
  const t = await token(users[name], "viewer");
  await page.goto(`${base()}/?room=${room}&token=${encodeURIComponent(t)}`);
  return page;
}

describe.sequential("a whole game in the browser", () => {
  beforeAll(async () => {
    admin = await token(`${run}-admin`, "admin");
    await seedUser(admin, users.alice);
    await seedUser(admin, users.bob);
    await seedUser(admin, users.carol, 1);
    await seedUser(admin, `${run}-host`);
    await call("POST", "/api/admin/gifts", admin, { id: `rose-${run}`, name: GIFT, priceCoins: 10 });
    await call("POST", "/api/admin/coins", admin, { userId: users.carol, coins: 25, key: `coins-${run}` });
    browser = await launch();
    host = await browser.page("host", DESKTOP);
    await host.goto(`${base()}/host.html?token=${encodeURIComponent(admin)}`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("the host creates the activity in the console", async () => {
    browser.screenshotOnFailure();
    await seeText(host.locator("#who"), "admin");
    await host.locator("#create-box summary").click();
    await host.getByLabel("Title").fill(TITLE);
    await host.getByLabel("Id (optional)").fill(room);
    await host.getByLabel("Prize pool").fill("1000.01");
    await host.getByLabel("Answer window (s)").fill("30");
    await host.getByLabel("Stream URL (optional)").fill(`${base()}/e2e-stream.m3u8`);
    await host.getByLabel("Question 1 text").fill("Which planet is red?");
    await host.getByLabel("Question 1 option 1").fill("Venus");
    await host.getByLabel("Question 1 option 2").fill("Mars");
    await host.getByLabel("Question 1 option 3").fill("Jupiter");
    await host.getByLabel("Question 1: option 2 is correct").check();
    await hostButton("Add a question").click();
    await host.getByLabel("Question 2 text").fill("How many cents make a dollar?");
    await host.getByLabel("Question 2 option 1").fill("10");
    await host.getByLabel("Question 2 option 2").fill("100");
    await host.getByLabel("Question 2: option 2 is correct").check();
    await host.getByLabel("Total").fill("2.50");
    await host.getByLabel("Packets").fill("2");
    await host.getByLabel("Seconds").fill("20");
    await hostButton("Create activity").click();
    await seeText(host.locator("#log"), `created activity ${room}`);
    await seeText(host.locator("#room-title"), TITLE);
    await seeText(host.locator("#activity-rows"), TITLE);
    await seeText(host.locator("#f-phase"), "not opened");
    // Gifts in the room are credited to its host.
    await call("PUT", `/api/admin/activities/${room}/host`, admin, { hostId: `${run}-host` });
  });

  test("viewers join on phones and wait for the host", async () => {
    browser.screenshotOnFailure();
    viewer.alice = await openViewer("alice");
    viewer.bob = await openViewer("bob");
    viewer.carol = await openViewer("carol");
    for (const page of Object.values(viewer)) {
      await seeText(page.locator("#lobby-title"), "The room isn't open yet");
      await seeAttr(page.locator("#conn"), "data-state", "open");
      // The token left the address bar for the tab's storage.
      expect(page.url()).not.toContain("token=");
      // hls.js plays it through a Media Source (a blob: src); the player names the stream it plays.
      expect(await page.locator("#video").getAttribute("data-stream")).toBe(`${base()}/e2e-stream.m3u8`);
    }
    await seeText(viewer.carol.locator("#me-revival"), "1 revival card");
    await hostButton("Open room").click();
    for (const page of Object.values(viewer))
      await seeText(page.locator("#lobby-title"), "Waiting for the first question");
    // Three viewers and the console (its moderation panel watches the room over a socket).
    await seeText(host.locator("#f-online"), "4");
    // A room created without `shards` is one shard: one row in the console's shard table, no total.
    await seeText(host.locator('#shard-rows tr[data-shard="0"] td[data-col="online"]'), "4");
    expect(await host.locator("#shard-rows tr").count()).toBe(1);
    expect(await host.locator("#shard-total tr").count()).toBe(0);
  });

  test("question 1: answers stay sealed until the reveal; Carol's card saves her", async () => {
    browser.screenshotOnFailure();
    await hostButton("Push question 1").click();
    for (const page of Object.values(viewer)) {
      await seeText(page.locator("#q-text"), "Which planet is red?");
      await seeText(page.locator("#q-index"), "Question 1 of 2");
    }
    await option(viewer.alice, "Mars").click();
    await option(viewer.bob, "Mars").click();
    await option(viewer.carol, "Venus").click();
    for (const page of Object.values(viewer)) await seeText(note(page), "sealed");
    expect(await option(viewer.alice, "Venus").isDisabled()).toBe(true);
    await seeText(host.locator("#f-answers"), "3");

    await hostButton("Reveal question 1").click();
    await seeText(note(viewer.alice), "Correct!");
    await seeText(note(viewer.bob), "Correct!");
    await seeText(note(viewer.carol), "your revival card saved you");
    await seeAttr(status(viewer.carol), "data-status", "playing");
    await seeText(viewer.carol.locator("#me-revival"), "0 revival cards");
    // Per-option counts and the correct option, as every viewer sees them.
    await seeAttr(option(viewer.alice, "Mars: 2 answers, correct"), "data-correct", "");
    await seeText(option(viewer.alice, "Venus: 1 answers"), "1");
  });

  test("question 2: Bob loses his network, comes back, answers wrong and is out", async () => {
    browser.screenshotOnFailure();
    await dropNetwork(viewer.bob);
    await seeText(viewer.bob.locator("#banner"), "reconnecting");
    await hostButton("Push question 2").click();
    await seeText(viewer.alice.locator("#q-text"), "How many cents");
    await restoreNetwork(viewer.bob);
    await seeText(viewer.bob.locator("#q-text"), "How many cents", 20_000);
    await seeVisible(viewer.bob.locator("#banner"), false);

    await option(viewer.alice, "100").click();
    await option(viewer.carol, "100").click();
    await option(viewer.bob, "10").click();
    await seeText(note(viewer.bob), "sealed");
    // A reload keeps the game: the snapshot restores the sealed answer, and the result stays hidden.
    await viewer.bob.reload();
    await seeText(note(viewer.bob), "“10” sealed");
    await seeAttr(status(viewer.bob), "data-status", "playing");

    await hostButton("Reveal question 2").click();
    await seeText(note(viewer.bob), "you're out");
    await seeAttr(status(viewer.bob), "data-status", "out");
    await seeText(note(viewer.alice), "Correct!");
    await seeText(note(viewer.carol), "Correct!");
    await seeText(host.locator("#f-alive"), "2");
  });

  test("danmaku, likes and a gift reach the other viewers; Bob, out, still chats", async () => {
    browser.screenshotOnFailure();
    const bob = viewer.bob;
    await bob.getByLabel("Send a comment").fill("still watching!");
    await bob.getByRole("button", { name: "Send", exact: true }).click();
    await seeText(bob.locator("#danmaku-layer .mine"), "still watching!");
    await seeText(viewer.alice.locator("#danmaku-layer"), `${users.bob}: still watching!`);
    await seeText(viewer.carol.locator("#danmaku-layer"), `${users.bob}: still watching!`);

    for (let i = 0; i < 3; i++) await viewer.alice.getByRole("button", { name: "Like" }).click();
    await seeText(bob.locator("#like-count"), "3");
    await seeText(host.locator("#f-likes"), "3");

    await viewer.carol.getByRole("button", { name: "Send a gift" }).click();
    await viewer.carol.getByRole("button", { name: `${GIFT} · 10 coins` }).click();
    await seeText(viewer.carol.locator("#toast"), "Gift sent! You have 15 coins left.");
    await seeText(viewer.alice.locator("#danmaku-layer"), `${users.carol} sent ${GIFT}`);
    await docScreenshot(viewer.alice, "viewer", { settleMs: 2_500 });
    await seeText(host.locator("#f-gifts"), "1");
    await seeText(host.locator("#f-gift-coins"), "10");
  });

  test("a red-packet rain: Alice taps and sees what she was granted", async () => {
    browser.screenshotOnFailure();
    await hostButton("Start rain").click();
    const alice = viewer.alice;
    await seeVisible(alice.locator("#rain"));
    await seeVisible(viewer.bob.locator("#rain"));
    const chip = alice.locator("#me-grabbed");
    for (let i = 0; i < 60 && !(await visibleText(chip)).includes("¥2.50"); i++) {
      await alice
        .getByRole("button", { name: "Grab a red packet" })
        .click({ timeout: 1_000 })
        .catch(() => undefined);
      await alice.waitForTimeout(100);
    }
    // Two packets summing to the rain's 2.50 exactly, whatever the seeded split.
    await seeText(chip, "Red packets: 2 · ¥2.50");
    await seeVisible(alice.locator("#rain"), false);
    await seeText(alice.locator("#toast"), "you grabbed 2 packets, ¥2.50");
    await seeText(host.locator("#f-granted"), "¥2.50");
    await docScreenshot(host, "host", { fullPage: true });
  });

  test("the end: the winners see their exact prize, Bob watches the result", async () => {
    browser.screenshotOnFailure();
    await hostButton("End game").click();
    // 100001 cents for two winners: the odd cent goes to the first by user id (Alice).
    await seeText(viewer.alice.locator("#over-title"), "You won ¥500.01!");
    await seeText(viewer.carol.locator("#over-title"), "You won ¥500.00!");
    await seeAttr(status(viewer.alice), "data-status", "winner");
    await seeText(viewer.bob.locator("#over-title"), "The show has ended");
    await seeText(viewer.bob.locator("#over-text"), "2 winners share ¥1,000.01.");
    await seeAttr(status(viewer.bob), "data-status", "out");
    await seeText(host.locator("#f-phase"), "ended");
  });
});
