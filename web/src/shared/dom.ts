/** The element with `id`, of the expected class; throws when the page's markup and script disagree (a bug). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return el;
}

/**
 * Creates an element with attributes and children. `style` goes through the CSSOM (`style.cssText`):
 * the pages' CSP refuses style attributes (no 'unsafe-inline'), not styles set from a script.
 *
 * @example h("button", { type: "button", class: "option" }, "Mars")
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "style") el.style.cssText = v;
    else el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

/** Sets text only when it changed, so that re-rendering every tick does not disturb screen readers. */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Shows or hides an element. */
export function show(el: HTMLElement, visible: boolean): void {
  if (el.hidden === visible) el.hidden = !visible;
}
