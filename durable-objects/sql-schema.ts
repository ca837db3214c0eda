/**
 * Creates a store's tables and indexes if missing. `ctx.storage.sql.exec` runs one statement at a
 * time, so a schema written as `;`-separated statements is split here, once for every store.
 * @example applySchema(ctx.storage.sql, "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY);")
 */
export function applySchema(sql: SqlStorage, schema: string): void {
  for (const statement of schema.split(";")) if (statement.trim()) sql.exec(statement);
}
