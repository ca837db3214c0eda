// The host console's per-shard table (DESIGN §8) against a real Worker: a one-shard room shows one row;
// a room created with `shards: 2` through the admin API shows a row per shard, each with its own
// viewers and answers, and a total.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { shardOf } from "../../schema/shards";
import { base, call, seedUser, token, uniqueId } from "./support/api";
import { type Browser, DESKTOP, launch, PHONE } from "./support/browser";
import { seeAttr, seeText } from "./support/see";

const run = uniqueId("shards");
const oneShard = `${run}-one`;
const twoShards = `${run}-two`;

let browser: Browser;
let admin: string;
let host: Page;
// Two viewers the Worker routes to different shards of a two-shard room (FNV-1a of the id, mod 2).
let onShard: [string, string];

const rows = () => host.locator("#shard-rows tr");
const cell = (shard: number | "total", col: string) =>
  host.locator(
    `#shard-${shard === "total" ? "total" : "rows"} tr[data-shard="${shard}"] td[data-col="${col}"]`,
  );

async function createRoom(id: string, extra: Record<string, unknown>): Promise<void> {
  await call("POST", "/api/admin/activities", admin, {
    id,
    title: `Shard table ${id}`,
    startAt: Date.now(),
    prizePoolCents: 1_000,
    questions: [{ text: "Split?", options: ["yes", "no"], correct: 0 }],
    ...extra,
  });
  await call("POST", `/api/rooms/${id}/open`, admin, {});
}

async function joinAs(userId: string, room: string): Promise<Page> {
  const page = await browser.page(userId, PHONE);
  await page.goto(`${base()}/?room=${room}&token=${encodeURIComponent(await token(userId, "viewer"))}`);
  await seeAttr(page.locator("#conn"), "data-state", "open");
  return page;
}

async function seeRows(n: number): Promise<void> {
  await expect.poll(() => rows().count(), { timeout: 15_000, interval: 100 }).toBe(n);
}

describe.sequential("the console's shard table", () => {
  beforeAll(async () => {
    admin = await token(`${run}-admin`, "admin");
    const ids = Array.from({ length: 16 }, (_, i) => `${run}-v${i}`);
    const first = ids.find((id) => shardOf(id, 2) === 0);
    const second = ids.find((id) => shardOf(id, 2) === 1);
    if (!first || !second) throw new Error("no viewer id for one of the two shards");
    onShard = [first, second];
    for (const id of onShard) await seedUser(admin, id);
    await createRoom(oneShard, {});
    await createRoom(twoShards, { shards: 2 });
    browser = await launch();
    host = await browser.page("host", DESKTOP);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("a one-shard room: one row, no total", async () => {
    browser.screenshotOnFailure();
    await host.goto(`${base()}/host.html?room=${oneShard}&token=${encodeURIComponent(admin)}`);
    await joinAs(onShard[1], oneShard);
    await seeText(host.locator("#shard-summary"), "1 shard");
    // The viewer, and the console itself: its moderation panel watches the room over a socket.
    await seeText(cell(0, "online"), "2");
    await seeRows(1);
    expect(await host.locator("#shard-total tr").count()).toBe(0);
    expect(await host.locator("#shards-title ~ .shards th").allTextContents()).toEqual([
      "Shard",
      "Online",
      "Players",
      "Answers",
      "Answers/s",
      "Fan-out ms",
      "Outbox backlog",
      "Room seq",
    ]);
  });

  test("a room created with shards: 2: a row per shard with its own viewers and answers, and a total", async () => {
    browser.screenshotOnFailure();
    await host.getByLabel("Open an activity by id").fill(twoShards);
    await host.locator("#pick button").click();
    await seeText(host.locator("#room-title"), twoShards);
    const [a, b] = [await joinAs(onShard[0], twoShards), await joinAs(onShard[1], twoShards)];
    await seeText(host.locator("#shard-summary"), "2 shards");
    await seeRows(2);
    // A viewer on each shard, and the console's own socket on the admin's shard.
    const consoleShard = shardOf(`${run}-admin`, 2);
    await seeText(cell(consoleShard, "online"), "2");
    await seeText(cell(1 - consoleShard, "online"), "1");
    await seeText(cell("total", "online"), "3");
    await seeText(host.locator("#f-online"), "3");

    await call("POST", `/api/rooms/${twoShards}/questions/0/push`, admin, { streamTsMs: 0 });
    await a.getByRole("button", { name: "yes", exact: true }).click();
    await b.getByRole("button", { name: "no", exact: true }).click();
    await seeText(cell(0, "answers"), "1");
    await seeText(cell(1, "answers"), "1");
    await seeText(cell("total", "answers"), "2");
    // Both shards applied the room's numbered notifications (the open and the push): none is behind.
    await expect
      .poll(() => host.locator("#shard-rows tr[data-behind]").count(), { timeout: 15_000, interval: 100 })
      .toBe(0);
    const seq = await cell("total", "roomSeq").textContent();
    expect(await cell(0, "roomSeq").textContent()).toBe(seq);
    expect(await cell(1, "roomSeq").textContent()).toBe(seq);
  });

  test("the console's create form sizes the room from the expected audience: 15,000 viewers is 3 shards", async () => {
    browser.screenshotOnFailure();
    const id = `${run}-form`;
    await host.locator("#create-box summary").click();
    await host.getByLabel("Title").fill(`Big show ${run}`);
    await host.getByLabel("Id (optional)").fill(id);
    await host.getByLabel("Prize pool").fill("10.00");
    await host.getByLabel("Expected audience (optional)").fill("15,000");
    await host.getByLabel("Question 1 text").fill("Big?");
    await host.getByLabel("Question 1 option 1").fill("yes");
    await host.getByLabel("Question 1 option 2").fill("no");
    await host.getByLabel("Question 1: option 1 is correct").check();
    await host.getByRole("button", { name: "Create activity", exact: true }).click();
    await seeText(host.locator("#room-title"), id);
    await seeText(host.locator("#shard-summary"), "3 shards");
    await seeRows(3);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-shard")))).toEqual([
      "0",
      "1",
      "2",
    ]);
    const detail = await call<{ activity: { shards: number } }>("GET", `/api/admin/activities/${id}`, admin);
    expect(detail.activity.shards).toBe(3);
  });
});
