// The question bank screen in Chromium: a CSV with a bad row is refused with the row, line and column
// named on the page and nothing imported; the corrected file imports; questions picked in the bank are
// assembled into an activity in the order picked. And the API reference page renders and sends.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { base, call, token, uniqueId } from "./support/api";
import { type Browser, DESKTOP, docScreenshot, launch } from "./support/browser";
import { seeText, seeVisible } from "./support/see";

let browser: Browser;
let admin: string;

interface Found {
  questions: { id: string; text: string }[];
  total: number;
}

describe("the question bank screen", () => {
  beforeAll(async () => {
    admin = await token(uniqueId("bank-admin"), "admin");
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("names a bad row of an import, imports nothing, then imports the fixed file and assembles a show", async () => {
    browser.screenshotOnFailure();
    const tag = uniqueId("e2e-bank");
    const header = "text,option1,option2,option3,correct,tags,difficulty";
    const good1 = `Largest planet? ${tag},Mars,Jupiter,Venus,B,${tag},easy`;
    const good2 = `Smallest planet? ${tag},Mercury,Earth,,1,${tag},medium`;
    const bad = `Hottest planet? ${tag},Venus,Mars,,5,${tag},hard`;
    const page = await browser.page("bank", DESKTOP);
    await page.goto(`${base()}/bank.html?token=${admin}`);
    await seeText(page.locator("#who"), "admin");

    await page.locator("#import-file").setInputFiles({
      name: "planets.csv",
      mimeType: "text/csv",
      buffer: Buffer.from([header, good1, bad, good2].join("\n")),
    });
    await expect.poll(() => page.locator("#import-text").inputValue()).toContain("Hottest planet?");
    await page.getByRole("button", { name: "Import" }).click();
    await seeText(page.locator("#import-msg"), "1 row is invalid (1 fault): nothing was imported.");
    await seeVisible(page.locator("#import-faults"));
    const cells = await page.locator("#import-fault-rows tr td").allTextContents();
    expect(cells).toEqual([
      "2",
      "3",
      "correct",
      "must be the number (1–4) or letter (A–D) of a filled option",
    ]);
    await docScreenshot(page, "bank", { fullPage: true });
    const none = await call<Found>("GET", `/api/admin/bank/questions?tag=${tag}`, admin);
    expect(none.total).toBe(0);

    // The operator fixes the row in the pasted text and imports again.
    await page.locator("#import-text").fill([header, good1, bad.replace(",5,", ",1,"), good2].join("\n"));
    await page.getByRole("button", { name: "Import" }).click();
    await seeText(page.locator("#import-msg"), "Imported 3 questions.");
    await seeVisible(page.locator("#import-faults"), false);
    const found = await call<Found>("GET", `/api/admin/bank/questions?tag=${tag}`, admin);
    expect(found.questions.map((q) => q.text)).toEqual([
      `Largest planet? ${tag}`,
      `Hottest planet? ${tag}`,
      `Smallest planet? ${tag}`,
    ]);

    // Search by tag, pick two in show order, assemble.
    await page.locator("#s-tag").selectOption(tag);
    await page.getByRole("button", { name: "Search" }).click();
    await seeText(page.locator("#search-msg"), "1–3 of 3");
    await page.getByRole("checkbox", { name: `Pick “Smallest planet? ${tag}”` }).check();
    await page.getByRole("checkbox", { name: `Pick “Largest planet? ${tag}”` }).check();
    await seeText(page.locator("#picked"), `Smallest planet? ${tag}`);
    const id = uniqueId("bank-show");
    await page.locator("#a-title").fill("Planets night");
    await page.locator("#a-id").fill(id);
    await page.locator("#a-start").fill("2026-06-01T20:00");
    await page.locator("#a-prize").fill("500");
    await page.getByRole("button", { name: "Create activity" }).click();
    await seeText(page.locator("#assemble-msg"), "Created “Planets night” with 2 questions");
    const activity = await call<{
      activity: { questions: { text: string; options: string[]; correct: number }[]; prizePoolCents: number };
    }>("GET", `/api/admin/activities/${id}`, admin);
    expect([activity.activity.prizePoolCents, activity.activity.questions]).toEqual([
      50_000,
      [
        { text: `Smallest planet? ${tag}`, options: ["Mercury", "Earth"], correct: 0 },
        { text: `Largest planet? ${tag}`, options: ["Mars", "Jupiter", "Venus"], correct: 1 },
      ],
    ]);
  });

  test("the API reference page lists the operations and sends a request", async () => {
    browser.screenshotOnFailure();
    const page = await browser.page("api", DESKTOP);
    await page.goto(`${base()}/api-reference.html`);
    await seeText(page.locator("#api-info"), "operations");
    const health = page.locator("#getHealthz");
    await health.locator("summary").click();
    await health.getByRole("button", { name: "Send GET" }).click();
    await seeText(health.locator("form.try pre"), '200 OK\n{\n  "ok": true\n}');
    await page.locator("#filter").fill("bank imports");
    await seeVisible(page.locator("#postApiAdminBankImports"));
    await seeVisible(health, false);
  });
});
