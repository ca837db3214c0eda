// JSON Schema (as the OpenAPI document carries it) in a few readable lines, for the reference page.

/** A JSON Schema object; only the keywords zod writes are read. */
export type Schema = { [key: string]: unknown };

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The type of a schema in one phrase, with its bounds.
 * @example typeText({ type: "integer", minimum: 1, maximum: 100 }) // "integer 1–100"
 */
export function typeText(s: Schema): string {
  if (Array.isArray(s.anyOf)) return s.anyOf.filter(isSchema).map(typeText).join(" | ");
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if ("const" in s) return JSON.stringify(s.const);
  const type = typeof s.type === "string" ? s.type : "any";
  const range = (lo: unknown, hi: unknown, unit: string) => {
    const l = typeof lo === "number" ? lo : undefined;
    const hiN = typeof hi === "number" && hi < Number.MAX_SAFE_INTEGER ? hi : undefined;
    if (l === undefined && hiN === undefined) return "";
    if (hiN === undefined) return ` ≥ ${l}${unit}`;
    if (l === undefined) return ` ≤ ${hiN}${unit}`;
    return l === hiN ? ` ${l}${unit}` : ` ${l}–${hiN}${unit}`;
  };
  if (type === "string") {
    const format = typeof s.format === "string" ? ` (${s.format})` : "";
    const pattern = typeof s.pattern === "string" && format === "" ? ` matching /${s.pattern}/` : "";
    return `string${range(s.minLength, s.maxLength, " chars")}${format}${pattern}`;
  }
  if (type === "integer" || type === "number") {
    return `${type}${range(s.minimum, s.maximum, "")}`;
  }
  if (type === "array") {
    const items = isSchema(s.items) ? typeText(s.items) : "any";
    return `list of ${items.startsWith("object") ? "objects" : items}${range(s.minItems, s.maxItems, " items")}`;
  }
  return type;
}

/**
 * The fields of an object schema, one line each, nested objects indented by two spaces.
 * @example schemaLines({ type: "object", properties: { id: { type: "string" } }, required: ["id"] }) // ["id: string (required)"]
 */
export function schemaLines(s: Schema, indent = ""): string[] {
  const object = s.type === "array" && isSchema(s.items) ? s.items : s;
  if (!isSchema(object.properties)) return indent === "" ? [typeText(s)] : [];
  const required = new Set(Array.isArray(object.required) ? object.required : []);
  return Object.entries(object.properties).flatMap(([name, child]) => {
    if (!isSchema(child)) return [];
    const notes = [
      required.has(name) ? "required" : "",
      "default" in child ? `default ${JSON.stringify(child.default)}` : "",
    ]
      .filter((n) => n !== "")
      .join(", ");
    const line = `${indent}${name}: ${typeText(child)}${notes === "" ? "" : ` (${notes})`}`;
    return [line, ...schemaLines(child, `${indent}  `)];
  });
}
