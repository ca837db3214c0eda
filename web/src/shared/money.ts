/** The symbol shown before amounts. Money is integer cents everywhere; only this file formats it. */
export const CURRENCY = "¥";

/**
 * Integer cents as a display amount with thousands separators.
 *
 * @example formatCents(100_001) // "¥1,000.01"
 */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(cents));
  const units = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const rest = (abs % 100).toString().padStart(2, "0");
  return `${sign}${CURRENCY}${units}.${rest}`;
}

/**
 * A typed amount ("1000", "1,000.5", "0.07") as integer cents, parsed as a string so that no float
 * ever rounds a cent away. Undefined for anything else (negative, three decimals, letters).
 *
 * @example parseCents("1,000.5") // 100050
 */
export function parseCents(text: string): number | undefined {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const units = Number(m[1]!.replaceAll(",", ""));
  const cents = units * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return Number.isSafeInteger(cents) ? cents : undefined;
}
