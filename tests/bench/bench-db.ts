// Plumbing shared by the database benchmarks: a fresh migrated database (a
// temporary SQLite file, or a new PostgreSQL database on BENCH_POSTGRES_URL's
// server when BENCH_DATABASE=postgres), bulk writers that fill it far faster
// than Prisma's createMany, and the memory and load readings they print.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const postgres = process.env.BENCH_DATABASE === "postgres";
export const pgBase = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

/** A migrated database for one run of `bench` at size `n` (PostgreSQL when BENCH_DATABASE=postgres, or as `kind` says); drop() deletes it. */
export async function freshDatabase(bench: string, n: number, kind: "sqlite" | "postgresql" = postgres ? "postgresql" : "sqlite"): Promise<{ url: string; drop: () => Promise<void> }> {
  const { migrateDeploy } = await import("../../bin/demo");
  if (kind === "postgresql") {
    const { default: pg } = await import("pg");
    const name = `loopwise_bench_${bench}_${n}_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgBase });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(pgBase);
    url.pathname = "/" + name;
    migrateDeploy(url.href);
    return {
      url: url.href,
      drop: async () => {
        const a = new pg.Client({ connectionString: pgBase });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `loopwise-bench-${bench}-`));
  const url = "file:" + path.join(dir, "bench.db");
  migrateDeploy(url);
  return { url, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export type Row = Record<string, unknown>;

export interface BulkWriter {
  /** Inserts the rows (all with the first row's columns) in one transaction or statement. */
  insert(table: string, rows: Row[]): Promise<void>;
  /** Gathers statistics (see bulkWriter's `statistics`) and closes. */
  close(): Promise<void>;
}

/**
 * A bulk writer for the database at `url`. SQLite: better-sqlite3 prepared
 * inserts, one transaction per call (Prisma's createMany managed about 2,400
 * rows/s here); dates as Prisma stores them ("…+00:00"). PostgreSQL: one
 * INSERT … SELECT FROM unnest($1::text[], …) per call, one array per column
 * (about 300 customers/s with their orders through createMany); column types
 * from the catalog; dates as UTC timestamps. Durability is off: a benchmark's
 * fixture. On close PostgreSQL gets ANALYZE (the test server runs with
 * autovacuum off; without statistics it plans keyset pages as scans of the rest
 * of the shop); SQLite gets PRAGMA optimize when `statistics` is true (as the
 * delivery tick keeps them in production).
 */
export async function bulkWriter(url: string, options: { statistics?: boolean } = {}): Promise<BulkWriter> {
  if (url.startsWith("file:")) {
    const raw = new (await import("better-sqlite3")).default(url.slice("file:".length));
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = OFF");
    const value = (v: unknown) => (v instanceof Date ? v.toISOString().replace(/Z$/, "+00:00") : typeof v === "boolean" ? (v ? 1 : 0) : v);
    return {
      async insert(table, rows) {
        if (rows.length === 0) return;
        const columns = Object.keys(rows[0]!);
        const statement = raw.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
        raw.transaction(() => {
          for (const row of rows) statement.run(columns.map((c) => value(row[c])));
        })();
      },
      async close() {
        if (options.statistics ?? true) raw.pragma("optimize");
        raw.close();
      },
    };
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("SET synchronous_commit = off");
  const types = new Map<string, Map<string, string>>();
  const value = (v: unknown) => (v instanceof Date ? v.toISOString().replace(/Z$/, "") : v);
  return {
    async insert(table, rows) {
      if (rows.length === 0) return;
      let t = types.get(table);
      if (!t) {
        const r = await client.query<{ column_name: string; udt_name: string }>("SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", [table]);
        types.set(table, (t = new Map(r.rows.map((row) => [row.column_name, row.udt_name]))));
      }
      const columns = Object.keys(rows[0]!);
      const casts = columns.map((c, k) => {
        const udt = t.get(c);
        if (!udt) throw new Error(`${table}.${c}: no such column`);
        return `$${k + 1}::${udt}[]`;
      });
      await client.query(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) SELECT * FROM unnest(${casts.join(", ")})`,
        columns.map((c) => rows.map((row) => value(row[c]))),
      );
    },
    async close() {
      await client.query("ANALYZE");
      await client.end();
    },
  };
}

export function mb(bytes: number): number {
  return Math.round(bytes / 1048576);
}

/** This process's peak resident set (VmHWM), in MB. */
export function vmHwmMb(): number {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Resets the kernel's peak-RSS counter (Linux ≥ 4.0), so VmHWM covers only what follows. */
export function resetPeak(): boolean {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The 1-, 5- and 15-minute load averages (the machine's cores are shared with other work). */
export function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(" ");
}
