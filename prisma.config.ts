// Prisma CLI configuration. Prisma 6.19 with the JS engine and driver adapters
// needs no native engine download (see ../shared/STACK.md, "Prisma offline").
// DATABASE_URL picks the provider: a postgres:// URL uses the PostgreSQL schema
// and migrations, anything else (default file:./prisma/dev.db) uses SQLite.
import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseUrl, isPostgresUrl } from "./prisma/database-url.js";

const url = databaseUrl();
// The schema reads env("DATABASE_URL"): without it the CLI falls back to the native engine.
process.env.DATABASE_URL = url;
const postgres = isPostgresUrl(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  migrations: { path: postgres ? path.join("prisma", "postgresql", "migrations") : path.join("prisma", "migrations") },
  schema: postgres
    ? path.join("prisma", "postgresql", "schema.prisma")
    : path.join("prisma", "schema.prisma"),
  async adapter() {
    if (postgres) {
      const { migrationAdapter } = await import("./prisma/pg-migrate.js");
      return migrationAdapter(url);
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url });
  },
});
