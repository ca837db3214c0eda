// Moderation from the host console, as another viewer sees it (docs/live-room.md, "Moderation"): a
// deleted danmaku leaves the other screens; a muted (for minutes or the show) or slow-moded player's
// danmaku is refused and reaches nobody; a shadow-muted sender sees theirs while the other viewer does
// not; a word of the room's list is blocked. Two viewers on the two shards of the room. Their danmaku
// animations are frozen, so a danmaku leaves a screen only when the room takes it away.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { shardOf } from "../../schema/shards";
import { base, call, seedUser, token, uniqueId } from "./support/api";
import { type Browser, DESKTOP, launch, PHONE } from "./support/browser";
import { seeAttr, seeText, visibleText } from "./support/see";

const run = uniqueId("mod");
const room = `${run}-room`;

let browser: Browser;
let admin: string;
let host: Page;
let alice: Page;
let bob: Page;
let aliceId: string;
let bobId: string;

async function joinAs(userId: string): Promise<Page> {
  const page = await browser.page(userId, PHONE);
  await page.goto(`${base()}/?room=${room}&token=${encodeURIComponent(await token(userId, "viewer"))}`);
  await seeAttr(page.locator("#conn"), "data-state", "open");
  // Danmaku stay where they are: only the room removes one.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Animation.enable");
  await cdp.send("Animation.setPlaybackRate", { playbackRate: 0 });
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Send a comment").fill(text);
  await page.getByRole("button", { name: "Send", exact: true }).click();
}

const layer = (page: Page) => page.locator("#danmaku-layer");

/** On the console: the player to act on, then a button of the moderation panel. */
async function onPlayer(userId: string, button: string, minutes?: string): Promise<void> {
  await host.locator("#mod-user-id").fill(userId);
  if (minutes !== undefined) await host.locator("#mod-minutes").fill(minutes);
  await host.getByRole("button", { name: button, exact: true }).click();
}

/** `page` showed `text` of another viewer, and the other page never did: `later` is the proof that it had the time. */
async function seeOnlyLater(page: Page, hidden: string, later: string): Promise<void> {
  await seeText(layer(page), later);
  expect(await visibleText(layer(page))).not.toContain(hidden);
}

describe.sequential("moderation from the console, seen by another viewer", () => {
  beforeAll(async () => {
    admin = await token(`${run}-admin`, "admin");
    const ids = Array.from({ length: 16 }, (_, i) => `${run}-v${i}`);
    aliceId = ids.find((id) => shardOf(id, 2) === 0)!;
    bobId = ids.find((id) => shardOf(id, 2) === 1)!;
    for (const id of [aliceId, bobId]) await seedUser(admin, id);
    await call("POST", "/api/admin/activities", admin, {
      id: room,
      title: "Moderated show",
      startAt: Date.now(),
      prizePoolCents: 1_000,
      questions: [{ text: "Calm?", options: ["yes", "no"], correct: 0 }],
      shards: 2,
    });
    await call("POST", `/api/rooms/${room}/open`, admin, {});
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("the console watches the room; two viewers on its two shards", async () => {
    browser.screenshotOnFailure();
    host = await browser.page("host", DESKTOP);
    await host.goto(`${base()}/host.html?room=${room}&token=${encodeURIComponent(admin)}`);
    await seeText(
      host.locator("#mod-state"),
      "Slow mode: off. Muted: nobody. Shadow muted: nobody. Room words: none.",
    );
    alice = await joinAs(aliceId);
    bob = await joinAs(bobId);
  });

  test("a deleted danmaku leaves the other viewer's screen", async () => {
    browser.screenshotOnFailure();
    await send(alice, "spoiler: it was the butler");
    await seeText(layer(bob), `${aliceId}: spoiler: it was the butler`);
    const row = host.locator("#mod-danmaku li", { hasText: "spoiler: it was the butler" });
    await seeText(row, aliceId);
    await row.getByRole("button", { name: /^Delete danmaku/ }).click();
    await expect
      .poll(() => visibleText(layer(bob)), { timeout: 10_000, interval: 100 })
      .not.toContain("butler");
    await expect.poll(() => row.count(), { timeout: 10_000, interval: 100 }).toBe(0);
    await seeText(host.locator("#log"), "deleted danmaku");
  });

  test("a player muted for minutes, then for the show: refused, unseen, until unmuted", async () => {
    browser.screenshotOnFailure();
    await onPlayer(aliceId, "Mute for the minutes", "5");
    await seeText(host.locator("#mod-state"), `Muted: ${aliceId} (5 min left)`);
    await send(alice, "muted words one");
    await seeText(alice.locator("#toast"), "The host has muted you for a while.");
    await onPlayer(aliceId, "Mute for the show");
    await seeText(host.locator("#mod-state"), `Muted: ${aliceId} (for the show)`);
    await send(alice, "muted words two");
    await seeText(alice.locator("#toast"), "The host has muted you for the rest of the show.");
    await onPlayer(aliceId, "Unmute");
    await seeText(host.locator("#mod-state"), "Muted: nobody.");
    await send(alice, "free again");
    await seeOnlyLater(bob, "muted words", `${aliceId}: free again`);
  });

  test("slow mode: every viewer is told; a second danmaku within the interval is refused with the wait", async () => {
    browser.screenshotOnFailure();
    await host.getByLabel(/Slow mode: one danmaku per player every/).fill("30");
    await host.getByRole("button", { name: "Set slow mode" }).click();
    await seeText(bob.locator("#toast"), "Slow mode: one comment every 30 s.");
    await seeText(alice.locator("#toast"), "Slow mode: one comment every 30 s.");
    await send(bob, "first under slow mode");
    await seeText(layer(alice), `${bobId}: first under slow mode`);
    await send(bob, "second too soon");
    await seeText(bob.locator("#toast"), "Slow mode: wait ");
    expect(await visibleText(bob.locator("#toast"))).toMatch(/^Slow mode: wait (2[0-9]|30) s\.$/);
    await host.getByLabel(/Slow mode: one danmaku per player every/).fill("0");
    await host.getByRole("button", { name: "Set slow mode" }).click();
    await seeText(alice.locator("#toast"), "Slow mode is off.");
    await send(bob, "slow mode over");
    await seeOnlyLater(alice, "second too soon", `${bobId}: slow mode over`);
  });

  test("a shadow-muted sender sees their danmaku; the other viewer never does", async () => {
    browser.screenshotOnFailure();
    await onPlayer(bobId, "Shadow mute");
    await seeText(host.locator("#mod-state"), `Shadow muted: ${bobId}.`);
    await send(bob, "can anyone hear me");
    await seeText(layer(bob).locator(".mine", { hasText: "can anyone hear me" }), "can anyone hear me");
    await onPlayer(bobId, "Lift shadow mute");
    await seeText(host.locator("#mod-state"), "Shadow muted: nobody.");
    await send(bob, "now you hear me");
    await seeOnlyLater(alice, "can anyone hear me", `${bobId}: now you hear me`);
    expect(await visibleText(host.locator("#mod-danmaku"))).not.toContain("can anyone hear me");
  });

  test("a word of the room's list is blocked on every shard", async () => {
    browser.screenshotOnFailure();
    await host.getByLabel(/This room's blocked words/).fill("pineapple\nanchovy");
    await host.getByRole("button", { name: "Save room words" }).click();
    await seeText(host.locator("#mod-state"), "Room words: anchovy, pineapple.");
    await send(alice, "I like P-I-N-E-A-P-P-L-E");
    await seeText(alice.locator("#toast"), "That comment isn't allowed here.");
    // Bob's danmaku budget may still be spent by the tests before (3 at once, then 1 a second): a
    // "Slow down a little." is sent again once a second has refilled it.
    await expect
      .poll(
        async () => {
          await send(bob, "anchovy pizza");
          await expect.poll(() => visibleText(bob.locator("#toast")), { timeout: 5_000 }).not.toBe("");
          return visibleText(bob.locator("#toast"));
        },
        { timeout: 15_000, interval: 1_100 },
      )
      .toBe("That comment isn't allowed here.");
    // Bob's danmaku budget is spent (3 at once, then 1 a second): Alice's next one is the proof.
    await send(alice, "plain pizza");
    await seeOnlyLater(bob, "P-I-N-E", `${aliceId}: plain pizza`);
    await seeText(host.locator("#mod-danmaku"), "plain pizza");
    expect(await visibleText(host.locator("#mod-danmaku"))).not.toMatch(/P-I-N-E|anchovy/);
  });
});
