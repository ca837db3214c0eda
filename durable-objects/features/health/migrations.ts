import type { Migration } from "../../kernel/migrations";

/** The health's storage: the questions the coordinator pushed, when, and when it revealed them. */
export const healthMigrations: readonly Migration[] = [
  {
    id: 1,
    name: "health questions",
    up: `CREATE TABLE IF NOT EXISTS health_questions (
  question INTEGER PRIMARY KEY, pushed_ms INTEGER NOT NULL, deadline_ms INTEGER NOT NULL, revealed_ms INTEGER
)`,
  },
];
