import { defineConfig } from "drizzle-kit";

// Every top-level schema/*.ts file is a table module (schema/generated holds protobuf code, not tables),
// so a new table file joins the migrations without touching this config.
export default defineConfig({
  dialect: "sqlite",
  schema: "./schema/*.ts",
  out: "./migrations",
});
