// The HTTP API's reference page: renders /api/openapi.json (generated from the routes' declarations)
// and sends requests from the page ("Try it"). Self-contained: no script or style from elsewhere.
import { byId, h, setText } from "../shared/dom";
import { type Schema, schemaLines, typeText } from "./schema-text";

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Schema;
}

interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; content: { "application/json": { schema: Schema; example?: unknown } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: Schema } } }>;
  "x-liveroom-role": string;
  "x-liveroom-limits"?: string[];
}

interface Document {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
}

const TOKEN_KEY = "liveroom:api-token";
const $ = {
  info: byId("api-info", HTMLElement),
  token: byId("token", HTMLInputElement),
  filter: byId("filter", HTMLInputElement),
  ops: byId("ops", HTMLElement),
};
$.token.value = sessionStorage.getItem(TOKEN_KEY) ?? "";
$.token.addEventListener("change", () => sessionStorage.setItem(TOKEN_KEY, $.token.value.trim()));

function parametersTable(params: Parameter[]): HTMLElement {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, h("th", {}, "Parameter"), h("th", {}, "In"), h("th", {}, "Type"))),
    h(
      "tbody",
      {},
      ...params.map((p) =>
        h(
          "tr",
          {},
          h("td", {}, p.name, p.required ? " *" : ""),
          h("td", {}, p.in),
          h("td", {}, typeText(p.schema)),
        ),
      ),
    ),
  );
}

/** The "Try it" form of one operation: its parameters, its body and the answer. */
function tryIt(method: string, path: string, op: Operation): HTMLElement {
  const inputs = op.parameters.map((p) => {
    const input = h("input", {
      autocomplete: "off",
      "aria-label": `${p.name} (${p.in})`,
      placeholder: p.name,
    });
    return { p, input, label: h("label", {}, `${p.name} (${p.in})`, input) };
  });
  const json = op.requestBody?.content["application/json"];
  const body = h("textarea", { rows: "6", spellcheck: "false", "aria-label": "Request body (JSON)" });
  body.value = JSON.stringify(json?.example ?? {}, null, 2);
  const send = h("button", { type: "submit", class: "primary" }, `Send ${method.toUpperCase()}`);
  const out = h("pre", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "try" },
    h("h4", {}, "Try it"),
    ...inputs.map((i) => i.label),
    ...(json === undefined ? [] : [h("label", {}, "Body (JSON)", body)]),
    h("p", {}, send),
    out,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    const headers = new Headers();
    for (const { p, input } of inputs) {
      const v = input.value;
      if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(v));
      else if (v !== "" && p.in === "query") query.set(p.name, v);
      else if (v !== "" && p.in === "header") headers.set(p.name, v);
    }
    if (query.size > 0) url += `?${query}`;
    const token = $.token.value.trim();
    if (token !== "") headers.set("Authorization", `Bearer ${token}`);
    if (json !== undefined) headers.set("Content-Type", "application/json");
    setText(out, `${method.toUpperCase()} ${url} …`);
    try {
      const res = await fetch(url, {
        method: method.toUpperCase(),
        headers,
        body: json === undefined ? undefined : body.value,
      });
      const text = await res.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // Not JSON: shown as it came.
      }
      setText(out, `${res.status} ${res.statusText}\n${shown}`);
    } catch (err) {
      setText(out, `request failed: ${String(err)}`);
    }
  });
  return form;
}

function operation(method: string, path: string, op: Operation): HTMLElement {
  const parts: (HTMLElement | string)[] = [];
  if (op.description) parts.push(h("p", {}, op.description));
  const role = `role: ${op["x-liveroom-role"]}${op["x-liveroom-limits"] ? ` · rate limited (${op["x-liveroom-limits"].join("; ")})` : ""}`;
  parts.push(h("p", { class: "role" }, role));
  if (op.parameters.length > 0) parts.push(parametersTable(op.parameters));
  const json = op.requestBody?.content["application/json"];
  if (json !== undefined) {
    parts.push(
      h("h4", {}, `Body${op.requestBody?.required ? "" : " (may be left out)"}`),
      h("pre", {}, schemaLines(json.schema).join("\n")),
    );
  }
  parts.push(
    h("h4", {}, "Responses"),
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        ...Object.entries(op.responses).map(([status, r]) => {
          const schema = r.content?.["application/json"].schema;
          const shape =
            schema !== undefined && !("$ref" in schema) ? h("pre", {}, schemaLines(schema).join("\n")) : "";
          return h("tr", {}, h("td", {}, status), h("td", {}, r.description, shape));
        }),
      ),
    ),
  );
  if (op["x-liveroom-role"] !== "socket") parts.push(tryIt(method, path, op));
  const summary = h(
    "summary",
    {},
    h("span", { class: "method", "data-method": method }, method.toUpperCase()),
    h("code", { class: "path" }, path),
    h("span", {}, op.summary),
  );
  const details = h(
    "details",
    {
      class: "op card",
      id: op.operationId,
      "data-search": `${method} ${path} ${op.summary} ${op["x-liveroom-role"]}`.toLowerCase(),
    },
    summary,
    ...parts,
  );
  return details;
}

function applyFilter(): void {
  const words = $.filter.value
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "");
  for (const el of $.ops.querySelectorAll<HTMLElement>("details.op")) {
    const text = el.dataset.search ?? "";
    el.hidden = !words.every((w) => text.includes(w));
  }
}
$.filter.addEventListener("input", applyFilter);

async function load(): Promise<void> {
  const res = await fetch("/api/openapi.json").catch(() => undefined);
  if (!res?.ok) {
    setText($.info, "Could not load /api/openapi.json — is the Worker running?");
    return;
  }
  const doc = (await res.json()) as Document;
  const byTag = new Map<string, HTMLElement[]>();
  let count = 0;
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const tag = op.tags[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
      count += 1;
    }
  }
  setText($.info, `${doc.info.title} ${doc.info.version} — ${count} operations. ${doc.info.description}`);
  $.ops.replaceChildren(...[...byTag.entries()].flatMap(([tag, ops]) => [h("h2", {}, tag), ...ops]));
  applyFilter();
}

void load();
