// Assertions on what a person would see, retried until they hold or time out.
import type { Locator } from "playwright-core";
import { expect } from "vitest";

const TIMEOUT = 15_000;

/** The text of `locator` while it is visible, else "". */
export async function visibleText(locator: Locator): Promise<string> {
  if (!(await locator.isVisible())) return "";
  return (await locator.textContent({ timeout: 1_000 }).catch(() => null)) ?? "";
}

/** The element is visible and its text comes to contain `text`. */
export async function seeText(locator: Locator, text: string, timeout = TIMEOUT): Promise<void> {
  await expect.poll(() => visibleText(locator), { timeout, interval: 100 }).toContain(text);
}

/** The element's attribute comes to equal `value`. */
export async function seeAttr(
  locator: Locator,
  name: string,
  value: string,
  timeout = TIMEOUT,
): Promise<void> {
  await expect
    .poll(() => locator.getAttribute(name, { timeout: 1_000 }).catch(() => null), { timeout, interval: 100 })
    .toBe(value);
}

/** The element comes to be visible (true) or hidden (false). */
export async function seeVisible(locator: Locator, visible = true, timeout = TIMEOUT): Promise<void> {
  await expect.poll(() => locator.isVisible(), { timeout, interval: 100 }).toBe(visible);
}
