// The Prisma client: SQLite by default (zero set-up), PostgreSQL when
// DATABASE_URL is a postgres:// URL. Both clients are generated from one data
// model (prisma/schema.prisma) and share its TypeScript types.
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl, isPostgresUrl, sqliteFile } from "../prisma/database-url.js";
import { pgConfig } from "../prisma/pg-migrate.js";

export type Database = PrismaClient;

const require = createRequire(import.meta.url);

/** Opens a client for a database URL (the app's, a test's, or the CLI's). */
export function openDatabase(url: string = databaseUrl()): Database {
  if (isPostgresUrl(url)) {
    const { PrismaClient: PgClient } = require(".prisma/client-pg/index.js") as {
      PrismaClient: new (options: unknown) => Database;
    };
    return new PgClient({ adapter: new PrismaPg({ ...pgConfig(url), allowExitOnIdle: false, max: 10 }) });
  }
  const client = new PrismaClient({
    adapter: new PrismaBetterSQLite3({ url: "file:" + sqliteFile(url), timeout: 10_000 }),
  });
  // Issued before any other query on the client's single SQLite connection.
  // WAL: readers never block the writer (3x faster ingest than the default journal).
  // secure_delete: erased personal data is overwritten on disk, not left in free pages.
  for (const pragma of ["journal_mode = WAL", "secure_delete = ON", "synchronous = NORMAL", "foreign_keys = ON"]) {
    client.$queryRawUnsafe(`PRAGMA ${pragma}`).catch((error: unknown) => {
      process.stderr.write(`sqlite: PRAGMA ${pragma} failed: ${String(error)}\n`);
    });
  }
  return client;
}

/** True when a Prisma error is a unique-constraint violation, on either client. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

declare global {
  var __loopwiseDb: Database | undefined;
}

/** The process's one client, kept across dev-server reloads. */
const prisma: Database = (globalThis.__loopwiseDb ??= openDatabase());
export default prisma;
