// What the pages say when joining cannot work: an expired or bad token, a room that does not exist,
// a show that is over; and the join form when the link carries no token.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import { base, call, seedUser, token, uniqueId } from "./support/api";
import { type Browser, DESKTOP, launch, PHONE } from "./support/browser";
import { seeText, seeVisible } from "./support/see";

let browser: Browser;
let admin: string;
const room = uniqueId("msg");
const viewerId = uniqueId("msg-viewer");

async function viewerPage(name: string, query: string): Promise<Page> {
  const page = await browser.page(name, PHONE);
  await page.goto(`${base()}/${query}`);
  return page;
}

describe("clear messages", () => {
  beforeAll(async () => {
    admin = await token(uniqueId("msg-admin"), "admin");
    await seedUser(admin, viewerId);
    await call("POST", "/api/admin/activities", admin, {
      id: room,
      title: "Finished show",
      startAt: Date.now(),
      prizePoolCents: 500,
      questions: [{ text: "Anyone?", options: ["yes", "no"], correct: 0 }],
    });
    // A whole show with nobody playing: everyone who joins later finds it over.
    for (const step of ["open", "questions/0/push", "questions/0/reveal", "end"]) {
      await call("POST", `/api/rooms/${room}/${step}`, admin, {});
    }
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("an expired token", async () => {
    browser.screenshotOnFailure();
    const expired = await token(viewerId, "viewer", Math.floor(Date.now() / 1000) - 60);
    const page = await viewerPage("expired", `?room=${room}&token=${expired}`);
    await seeText(page.locator("#fatal-title"), "Your token has expired");
    await seeVisible(page.locator("#game"), false);
  });

  test("a token that is not one", async () => {
    browser.screenshotOnFailure();
    const page = await viewerPage("malformed", `?room=${room}&token=not-a-token`);
    await seeText(page.locator("#fatal-title"), "This token isn't valid");
  });

  test("a token signed with another secret", async () => {
    browser.screenshotOnFailure();
    const page = await viewerPage(
      "forged",
      `?room=${room}&token=${(await token(viewerId, "viewer")).slice(0, -4)}AAAA`,
    );
    await seeText(page.locator("#fatal-title"), "This token isn't valid");
  });

  test("a room that does not exist", async () => {
    browser.screenshotOnFailure();
    const t = await token(viewerId, "viewer");
    const page = await viewerPage("unknown", `?room=${uniqueId("nowhere")}&token=${t}`);
    await seeText(page.locator("#fatal-title"), "No such room");
  });

  test("a show that is over", async () => {
    browser.screenshotOnFailure();
    const t = await token(viewerId, "viewer");
    const page = await viewerPage("ended", `?room=${room}&token=${t}`);
    await seeText(page.locator("#over-title"), "The show has ended");
    await seeText(page.locator("#over-text"), "Nobody made it to the end this time.");
  });

  test("no token in the link: the join form", async () => {
    browser.screenshotOnFailure();
    const page = await viewerPage("form", `?room=${room}`);
    await seeVisible(page.locator("#join"));
    await page.getByLabel("Your token").fill(await token(viewerId, "viewer"));
    await page.getByRole("button", { name: "Join" }).click();
    await seeText(page.locator("#over-title"), "The show has ended");
  });

  test("the host console refuses expired and viewer tokens", async () => {
    browser.screenshotOnFailure();
    const page = await browser.page("host", DESKTOP);
    const expired = await token("host-x", "host", Math.floor(Date.now() / 1000) - 60);
    await page.goto(`${base()}/host.html?token=${expired}`);
    await seeText(page.locator("#auth-msg"), "This token has expired");
    await page.getByLabel("Host or admin token").fill(await token(viewerId, "viewer"));
    await page.getByRole("button", { name: "Use token" }).click();
    await seeText(page.locator("#auth-msg"), "A viewer token cannot run a room");
    await page.getByLabel("Host or admin token").fill(await token("host-y", "host"));
    await page.getByRole("button", { name: "Use token" }).click();
    await seeText(page.locator("#activities-msg"), "Host tokens cannot list");
    await page.getByLabel("Open an activity by id").fill(uniqueId("missing"));
    await page.getByRole("button", { name: "Select", exact: true }).click();
    await seeText(page.locator("#op-msg"), "There is no activity");
    // host-y does not host the room: the console says so, until an admin makes it the host.
    await page.getByLabel("Open an activity by id").fill(room);
    await page.getByRole("button", { name: "Select", exact: true }).click();
    await seeText(page.locator("#op-msg"), "You are not this activity's host");
    await call("PUT", `/api/admin/activities/${room}/host`, admin, { hostId: "host-y" });
    await page.getByRole("button", { name: "Select", exact: true }).click();
    await seeText(page.locator("#f-phase"), "ended");
  });
});
