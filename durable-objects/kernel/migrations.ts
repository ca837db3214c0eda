// Append-only, numbered migrations for a room's SQLite (STYLE.md: tldraw's replicatorMigrations).
// Each feature owns a list; the runner applies the missing ones once per object, inside one
// transaction, and refuses to start over a history that changed (an edited or removed migration).

/** One step: SQL (`;`-separated statements) or code for data moves SQL alone cannot express. */
export interface Migration {
  /** 1, 2, 3 … within its feature; never renumbered. */
  id: number;
  name: string;
  up: string | ((sql: SqlStorage) => void);
}

/** A feature's migrations, in order. */
export interface MigrationList {
  feature: string;
  migrations: readonly Migration[];
}

/** The part of SqlStorage the runner uses (so it can be tested with a fake). */
export type MigrationSql = Pick<SqlStorage, "exec">;

type Row = Record<string, SqlStorageValue>;

/**
 * A short, stable fingerprint of a migration (FNV-1a over its name and SQL; code steps by name).
 * @example checksum({ id: 1, name: "init", up: "CREATE TABLE t (k)" }) // "5d0c4e2f"-like hex
 */
export function checksum(m: Migration): string {
  const text = `${m.name}\n${typeof m.up === "string" ? m.up : "code"}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** Runs one statement list: `ctx.storage.sql.exec` takes one statement at a time. */
export function execScript(sql: MigrationSql, script: string): void {
  for (const statement of script.split(";")) if (statement.trim()) sql.exec(statement);
}

/**
 * Applies every feature's missing migrations in order; throws on a changed history or a list
 * that is not numbered 1, 2, 3 … (a bug in the code: the room must not run on a schema it does not know).
 * Call inside `transactionSync`, so a failing step leaves nothing half-applied.
 * @returns the migrations applied now, as `feature/id`.
 */
export function runMigrations(sql: MigrationSql, lists: readonly MigrationList[]): string[] {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS _migrations (feature TEXT NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL, PRIMARY KEY (feature, id))",
  );
  const applied = new Map<string, { name: string; checksum: string }>();
  for (const r of sql.exec<Row>("SELECT feature, id, name, checksum FROM _migrations")) {
    applied.set(`${String(r.feature)}/${Number(r.id)}`, {
      name: String(r.name),
      checksum: String(r.checksum),
    });
  }
  const features = new Set<string>();
  const ran: string[] = [];
  for (const { feature, migrations } of lists) {
    if (features.has(feature)) throw new Error(`migrations: feature ${feature} listed twice`);
    features.add(feature);
    migrations.forEach((m, i) => {
      if (m.id !== i + 1) throw new Error(`migrations: ${feature} has id ${m.id} at position ${i + 1}`);
      const key = `${feature}/${m.id}`;
      const sum = checksum(m);
      const done = applied.get(key);
      if (done !== undefined) {
        if (done.checksum !== sum || done.name !== m.name) {
          throw new Error(`migrations: ${key} (${done.name}) changed after it was applied`);
        }
        applied.delete(key);
        return;
      }
      if (typeof m.up === "string") execScript(sql, m.up);
      else m.up(sql as SqlStorage);
      sql.exec(
        "INSERT INTO _migrations (feature, id, name, checksum) VALUES (?, ?, ?, ?)",
        feature,
        m.id,
        m.name,
        sum,
      );
      ran.push(key);
    });
  }
  for (const key of applied.keys()) {
    if (features.has(key.slice(0, key.lastIndexOf("/")))) {
      throw new Error(`migrations: ${key} was applied but is no longer listed`);
    }
  }
  return ran;
}
