// The Prisma client: SQLite by default (zero set-up), PostgreSQL when
// DATABASE_URL is a postgres:// URL. Both clients are generated from one data
// model (prisma/schema.prisma) and share its TypeScript types.
import { AsyncLocalStorage } from "node:async_hooks";
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
  // synchronous FULL: a webhook answered 200 survives a power cut (Shopify will not resend it).
  for (const pragma of ["journal_mode = WAL", "secure_delete = ON", "synchronous = FULL", "foreign_keys = ON"]) {
    client.$queryRawUnsafe(`PRAGMA ${pragma}`).catch((error: unknown) => {
      process.stderr.write(`sqlite: PRAGMA ${pragma} failed: ${String(error)}\n`);
    });
  }
  return serializeAroundTransactions(client);
}

/**
 * The client's SQL dialect for hand-written bulk statements, or null when it
 * cannot be told (Prisma's generated clients carry their provider, not a public
 * API: callers fall back to Prisma's own methods).
 */
export function sqlDialectOf(db: Database): "sqlite" | "postgresql" | null {
  const provider = (db as unknown as { _activeProvider?: unknown })._activeProvider;
  return provider === "sqlite" || provider === "postgresql" ? provider : null;
}

/** How Prisma's SQLite adapter stores a DateTime: "2026-11-27T12:00:00.000+00:00". */
export function sqliteDateTime(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

/** "sqlite" or "postgresql": the client's datasource provider (Prisma's generated clients carry it). */
export function providerOf(db: Database): "sqlite" | "postgresql" {
  return sqlDialectOf(db) ?? "sqlite";
}

/**
 * SQLite's planner needs table statistics to prefer the right index once a
 * table has grown (without them, dispatching a 100k-message launch sorted every
 * due message for each page of 500). `PRAGMA optimize` analyses only tables
 * that grew a lot or have none (about 50 ms for 100k messages, under 1 ms when
 * nothing changed), so the delivery tick runs it before each dispatch.
 * PostgreSQL's autovacuum keeps its own statistics: nothing to do there.
 */
export async function optimizeStatistics(db: Database): Promise<void> {
  if (providerOf(db) === "sqlite") await db.$queryRawUnsafe("PRAGMA optimize");
}

/**
 * Prisma's SQLite adapter runs every query on one connection, so a plain query
 * issued while another request's transaction is open would run INSIDE that
 * transaction: a rollback would undo a write already reported as done, and a
 * read would see uncommitted rows. So a transaction holds the connection alone
 * (exclusive), plain queries share it with each other (shared), and a waiting
 * transaction goes before newer plain queries. Queries made within a
 * transaction's callback (through `tx` or, by mistake, the global client) run
 * at once, so nothing deadlocks. SQLite has one writer and better-sqlite3 runs
 * on the JS thread, so this costs next to no throughput.
 */
function serializeAroundTransactions(base: PrismaClient): Database {
  const insideTransaction = new AsyncLocalStorage<true>();
  const lock = new SharedExclusiveLock();
  const extended = base.$extends({
    query: {
      async $allOperations({ args, query }) {
        if (insideTransaction.getStore()) return query(args);
        await lock.acquire(false);
        try {
          return await query(args);
        } finally {
          lock.release(false);
        }
      },
    },
  });
  type Transaction = (input: unknown, options?: unknown) => Promise<unknown>;
  const transaction = extended.$transaction as unknown as Transaction;
  const exclusiveTransaction: Transaction = async (input, options) => {
    if (insideTransaction.getStore()) return transaction.call(extended, input, options);
    await lock.acquire(true);
    try {
      return await insideTransaction.run(true, () => transaction.call(extended, input, options));
    } finally {
      lock.release(true);
    }
  };
  return new Proxy(extended, {
    get: (target, property, receiver) => (property === "$transaction" ? exclusiveTransaction : Reflect.get(target, property, receiver)),
  }) as unknown as Database;
}

/** Many shared holders or one exclusive holder; waiters are served in order. */
export class SharedExclusiveLock {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: Array<{ exclusive: boolean; grant: () => void }> = [];

  acquire(exclusive: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.canGrant(exclusive)) {
      this.take(exclusive);
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ exclusive, grant }));
  }

  release(exclusive: boolean): void {
    if (exclusive) this.exclusive = false;
    else this.shared--;
    while (this.waiting.length > 0 && this.canGrant(this.waiting[0]!.exclusive)) {
      const next = this.waiting.shift()!;
      this.take(next.exclusive);
      next.grant();
    }
  }

  private canGrant(exclusive: boolean): boolean {
    return !this.exclusive && (!exclusive || this.shared === 0);
  }

  private take(exclusive: boolean) {
    if (exclusive) this.exclusive = true;
    else this.shared++;
  }
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
