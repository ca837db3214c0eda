// The console's health panel and the viewers' online count against a real Worker: a room of two
// shards, a viewer on each; the panel shows the question's intake, a row per shard and the chart; each
// viewer page shows the room's online count and follows it when a viewer leaves.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { shardOf } from "../../schema/shards";
import { base, call, seedUser, token, uniqueId } from "./support/api";
import { type Browser, DESKTOP, launch, PHONE } from "./support/browser";
import { seeAttr, seeText } from "./support/see";

const run = uniqueId("health");
const room = `${run}-room`;

let browser: Browser;
let admin: string;
let host: Page;
let onShard: [string, string];

async function joinAs(userId: string): Promise<Page> {
  const page = await browser.page(userId, PHONE);
  await page.goto(`${base()}/?room=${room}&token=${encodeURIComponent(await token(userId, "viewer"))}`);
  await seeAttr(page.locator("#conn"), "data-state", "open");
  return page;
}

const cells = (row: ReturnType<Page["locator"]>) => row.locator("td").allTextContents();

describe.sequential("show health in the console, the online count on the viewer page", () => {
  beforeAll(async () => {
    admin = await token(`${run}-admin`, "admin");
    const ids = Array.from({ length: 16 }, (_, i) => `${run}-v${i}`);
    const first = ids.find((id) => shardOf(id, 2) === 0);
    const second = ids.find((id) => shardOf(id, 2) === 1);
    if (!first || !second) throw new Error("no viewer id for one of the two shards");
    onShard = [first, second];
    for (const id of onShard) await seedUser(admin, id);
    await call("POST", "/api/admin/activities", admin, {
      id: room,
      title: `Health ${run}`,
      startAt: Date.now(),
      prizePoolCents: 1_000,
      answerWindowMs: 60_000,
      shards: 2,
      questions: [{ text: "Healthy?", options: ["yes", "no"], correct: 0 }],
    });
    await call("POST", `/api/rooms/${room}/open`, admin, {});
    browser = await launch();
    host = await browser.page("host", DESKTOP);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("the health panel: intake per question, a row per shard, the chart; viewers see 3 then 2 online (the console counts)", async () => {
    browser.screenshotOnFailure();
    await host.goto(`${base()}/host.html?room=${room}&token=${encodeURIComponent(admin)}`);
    const a = await joinAs(onShard[0]);
    const b = await joinAs(onShard[1]);
    // Each page: the count from its welcome, then ONLINE_COUNT (the first page learns of the second).
    // The console watches the room's danmaku on a socket of its own: the admin is online too.
    await seeText(a.locator("#online"), "3 online");
    await seeText(b.locator("#online"), "3 online");

    await seeText(host.locator("#h-summary"), "2 shards · 3 online");
    await expect.poll(() => host.locator("#h-shards tr").count(), { timeout: 15_000, interval: 100 }).toBe(2);
    const adminShard = shardOf(`${run}-admin`, 2);
    for (const k of [0, 1])
      expect((await cells(host.locator("#h-shards tr").nth(k))).slice(0, 3)).toEqual([
        String(k),
        String(adminShard === k ? 2 : 1),
        "0",
      ]);
    await seeText(host.locator("#h-chart-title"), "No question pushed yet");
    await seeText(host.locator("#h-settle"), "none");
    await seeText(host.locator("#h-backlog"), "0");

    await call("POST", `/api/rooms/${room}/questions/0/push`, admin, { streamTsMs: 0 });
    await a.getByRole("button", { name: "yes", exact: true }).click();
    await b.getByRole("button", { name: "no", exact: true }).click();
    await expect
      .poll(async () => (await cells(host.locator("#h-questions tr").first())).slice(0, 2), {
        timeout: 15_000,
        interval: 100,
      })
      .toEqual(["Q1", "2"]);
    const row = await cells(host.locator("#h-questions tr").first());
    expect(row[7]).toMatch(/\(open\)$/);
    await expect
      .poll(() => host.locator("#h-chart-title").textContent(), { timeout: 15_000, interval: 100 })
      .toMatch(/^Q1: answers per second after the push \(peak [12]\)$/);
    const bars = await host
      .locator("#h-chart rect")
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("data-answers"))));
    expect(bars.reduce((n, x) => n + x, 0)).toBe(2);
    expect(await host.locator("#h-fanout").textContent()).toMatch(/^\d+ ms$|^\d+\.\d s$/);

    await b.close();
    await seeText(a.locator("#online"), "2 online");
    await seeText(host.locator("#h-summary"), "2 shards · 2 online");
  });
});
