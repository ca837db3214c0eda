import initSqlJs, { type Database, type SqlValue } from "sql.js";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checksum,
  execScript,
  type Migration,
  type MigrationList,
  type MigrationSql,
  runMigrations,
} from "../../../durable-objects/kernel/migrations";

type Row = Record<string, SqlStorageValue>;

let SQL: initSqlJs.SqlJsStatic;
beforeAll(async () => {
  SQL = await initSqlJs();
});

/**
 * A sql.js database in the shape of `ctx.storage.sql`: `exec(query, ...bindings)` runs one statement
 * and returns its rows as an iterable with `toArray()` (all runMigrations and code steps use).
 */
function adapt(db: Database): MigrationSql {
  return {
    exec<T extends Row>(query: string, ...bindings: SqlValue[]): SqlStorageCursor<T> {
      const stmt = db.prepare(query);
      const rows: T[] = [];
      try {
        stmt.bind(bindings);
        while (stmt.step()) rows.push(stmt.getAsObject() as T);
      } finally {
        stmt.free();
      }
      const cursor = {
        toArray: () => [...rows],
        [Symbol.iterator]: () => rows[Symbol.iterator](),
      };
      return cursor as unknown as SqlStorageCursor<T>;
    },
  };
}

/** `transactionSync` for sql.js: commits what `fn` did, or rolls it back and rethrows. */
function transaction<T>(db: Database, fn: () => T): T {
  db.run("BEGIN");
  try {
    const result = fn();
    db.run("COMMIT");
    return result;
  } catch (err) {
    db.run("ROLLBACK");
    throw err;
  }
}

function rows(db: Database, query: string): Record<string, SqlValue>[] {
  const stmt = db.prepare(query);
  const out: Record<string, SqlValue>[] = [];
  while (stmt.step()) out.push(stmt.getAsObject());
  stmt.free();
  return out;
}

const tables = (db: Database) =>
  rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r.name);
const columns = (db: Database, table: string) =>
  rows(db, `SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).map((r) => r.name);
const history = (db: Database) =>
  rows(db, "SELECT feature, id, name, checksum FROM _migrations ORDER BY rowid");

const quiz1: Migration = {
  id: 1,
  name: "create questions",
  // Two statements: execScript splits them.
  up: "CREATE TABLE questions (id INTEGER PRIMARY KEY, text TEXT NOT NULL); CREATE INDEX questions_text ON questions (text)",
};
// Needs quiz/1: only works when applied after it.
const quiz2: Migration = { id: 2, name: "add answer", up: "ALTER TABLE questions ADD COLUMN answer TEXT" };
const quiz3: Migration = { id: 3, name: "add points", up: "ALTER TABLE questions ADD COLUMN points INTEGER" };
const rain1: Migration = {
  id: 1,
  name: "create grabs",
  up: "CREATE TABLE grabs (player TEXT, amount INTEGER)",
};

const quiz = (...migrations: Migration[]): MigrationList => ({ feature: "quiz", migrations });
const rain = (...migrations: Migration[]): MigrationList => ({ feature: "rain", migrations });

let db: Database;
let sql: MigrationSql;
beforeEach(() => {
  db = new SQL.Database();
  sql = adapt(db);
  return () => db.close();
});

describe("checksum", () => {
  it("is FNV-1a (32-bit, hex) over the name and the SQL; a code step counts as `code`", () => {
    expect(checksum({ id: 1, name: "init", up: "CREATE TABLE t (k)" })).toBe("ce82aa4f");
    expect(checksum({ id: 7, name: "init", up: "CREATE TABLE t (k)" })).toBe("ce82aa4f");
    expect(checksum({ id: 1, name: "move", up: () => {} })).toBe("772ecf77");
    expect(checksum({ id: 1, name: "move", up: () => console.log("other body") })).toBe("772ecf77");
  });
});

describe("execScript", () => {
  it("runs each `;`-separated statement and skips empty ones", () => {
    execScript(sql, "CREATE TABLE a (x); ;\n INSERT INTO a VALUES (1);INSERT INTO a VALUES (2);\n");
    expect(rows(db, "SELECT x FROM a ORDER BY x")).toEqual([{ x: 1 }, { x: 2 }]);
  });
});

describe("runMigrations", () => {
  it("applies every feature's migrations once, in order, on a fresh database and records them", () => {
    const applied = runMigrations(sql, [quiz(quiz1, quiz2), rain(rain1)]);

    expect(applied).toEqual(["quiz/1", "quiz/2", "rain/1"]);
    expect(history(db)).toEqual([
      { feature: "quiz", id: 1, name: "create questions", checksum: checksum(quiz1) },
      { feature: "quiz", id: 2, name: "add answer", checksum: checksum(quiz2) },
      { feature: "rain", id: 1, name: "create grabs", checksum: checksum(rain1) },
    ]);
    expect(tables(db)).toEqual(["_migrations", "grabs", "questions"]);
    expect(columns(db, "questions")).toEqual(["id", "text", "answer"]);
    expect(
      rows(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'questions_text'"),
    ).toEqual([{ name: "questions_text" }]);
  });

  it("applies nothing when run again", () => {
    const lists = [quiz(quiz1, quiz2), rain(rain1)];
    runMigrations(sql, lists);
    db.run("INSERT INTO questions (text, answer) VALUES ('q', 'a')");

    expect(runMigrations(sql, lists)).toEqual([]);
    expect(history(db).map((r) => `${r.feature}/${r.id}`)).toEqual(["quiz/1", "quiz/2", "rain/1"]);
    expect(rows(db, "SELECT text, answer FROM questions")).toEqual([{ text: "q", answer: "a" }]);
  });

  it("applies only a migration added later", () => {
    runMigrations(sql, [quiz(quiz1, quiz2), rain(rain1)]);

    expect(runMigrations(sql, [quiz(quiz1, quiz2, quiz3), rain(rain1)])).toEqual(["quiz/3"]);
    expect(columns(db, "questions")).toEqual(["id", "text", "answer", "points"]);
    expect(history(db).map((r) => `${r.feature}/${r.id}`)).toEqual(["quiz/1", "quiz/2", "rain/1", "quiz/3"]);
  });

  it("throws when an applied migration's SQL or name changed", () => {
    runMigrations(sql, [quiz(quiz1, quiz2)]);

    const editedSql = { ...quiz1, up: `${quiz1.up}; CREATE TABLE extra (x)` };
    expect(() => runMigrations(sql, [quiz(editedSql, quiz2)])).toThrow(
      new Error("migrations: quiz/1 (create questions) changed after it was applied"),
    );
    const renamed = { ...quiz2, name: "add the answer" };
    expect(() => runMigrations(sql, [quiz(quiz1, renamed)])).toThrow(
      new Error("migrations: quiz/2 (add answer) changed after it was applied"),
    );
    expect(tables(db)).toEqual(["_migrations", "questions"]);
  });

  it("throws when an applied migration is no longer listed", () => {
    runMigrations(sql, [quiz(quiz1, quiz2), rain(rain1)]);

    expect(() => runMigrations(sql, [quiz(quiz1), rain(rain1)])).toThrow(
      new Error("migrations: quiz/2 was applied but is no longer listed"),
    );
  });

  it("throws on a list not numbered 1, 2, 3 …", () => {
    expect(() => runMigrations(sql, [quiz({ ...quiz2, id: 2 })])).toThrow(
      new Error("migrations: quiz has id 2 at position 1"),
    );
    expect(() => runMigrations(sql, [quiz(quiz1, { ...quiz3, id: 3 })])).toThrow(
      new Error("migrations: quiz has id 3 at position 2"),
    );
    expect(() => runMigrations(sql, [quiz(quiz1, { ...quiz2, id: 1 })])).toThrow(
      new Error("migrations: quiz has id 1 at position 2"),
    );
  });

  it("throws on a feature listed twice", () => {
    expect(() => runMigrations(sql, [quiz(quiz1), rain(rain1), quiz(quiz1)])).toThrow(
      new Error("migrations: feature quiz listed twice"),
    );
  });

  it("runs a code migration, which can move data", () => {
    const json: Migration = {
      id: 1,
      name: "create blobs",
      up: "CREATE TABLE blobs (k TEXT PRIMARY KEY, v TEXT)",
    };
    runMigrations(sql, [{ feature: "store", migrations: [json] }]);
    db.run(`INSERT INTO blobs VALUES ('alice', '{"coins":3}'), ('bob', '{"coins":5}')`);

    const split: Migration = {
      id: 2,
      name: "split blobs into coins",
      up: (s) => {
        s.exec("CREATE TABLE coins (player TEXT PRIMARY KEY, amount INTEGER NOT NULL)");
        for (const r of s.exec<{ k: string; v: string }>("SELECT k, v FROM blobs ORDER BY k").toArray()) {
          const { coins } = JSON.parse(r.v) as { coins: number };
          s.exec("INSERT INTO coins (player, amount) VALUES (?, ?)", r.k, coins * 10);
        }
        s.exec("DROP TABLE blobs");
      },
    };

    expect(runMigrations(sql, [{ feature: "store", migrations: [json, split] }])).toEqual(["store/2"]);
    expect(rows(db, "SELECT player, amount FROM coins ORDER BY player")).toEqual([
      { player: "alice", amount: 30 },
      { player: "bob", amount: 50 },
    ]);
    expect(tables(db)).toEqual(["_migrations", "coins"]);
    expect(history(db)).toEqual([
      { feature: "store", id: 1, name: "create blobs", checksum: checksum(json) },
      { feature: "store", id: 2, name: "split blobs into coins", checksum: "6389e6c0" },
    ]);
    expect(checksum(split)).toBe("6389e6c0");
  });

  it("leaves nothing applied when a step fails inside a transaction", () => {
    const broken: Migration = { id: 2, name: "broken", up: "INSERT INTO missing_table VALUES (1)" };

    expect(() => transaction(db, () => runMigrations(sql, [quiz(quiz1, broken), rain(rain1)]))).toThrow(
      /no such table: missing_table/,
    );
    expect(tables(db)).toEqual([]);

    // A code step that throws rolls back the same way, with the earlier steps of the run.
    runMigrations(sql, [quiz(quiz1)]);
    const throwing: Migration = {
      id: 2,
      name: "throwing",
      up: (s) => {
        s.exec("INSERT INTO questions (text) VALUES ('half done')");
        throw new Error("code step failed");
      },
    };
    expect(() => transaction(db, () => runMigrations(sql, [rain(rain1), quiz(quiz1, throwing)]))).toThrow(
      new Error("code step failed"),
    );
    expect(tables(db)).toEqual(["_migrations", "questions"]);
    expect(rows(db, "SELECT text FROM questions")).toEqual([]);
    expect(history(db).map((r) => `${r.feature}/${r.id}`)).toEqual(["quiz/1"]);

    // Fixed, the same lists apply.
    expect(transaction(db, () => runMigrations(sql, [quiz(quiz1, quiz2), rain(rain1)]))).toEqual([
      "quiz/2",
      "rain/1",
    ]);
  });
});
