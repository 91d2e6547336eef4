import { defineConfig } from "drizzle-kit";

// drizzle-kit writes SQL into migrations/, which wrangler applies to D1 (locally and in production).
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
