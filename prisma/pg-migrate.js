// Mends that let `prisma migrate` run on PostgreSQL through @prisma/adapter-pg
// 6.19 with the JS schema engine (see ../shared/STACK.md):
// 1. catalog column types (name, "char") are read as text;
// 2. pg gets a parsed config object, never a connection string, so a shadow
//    database can never be confused with the real one;
// 3. the shadow database's connections are closed before it is dropped.
// Used by the CLI only (prisma.config.ts); the app uses plain PrismaPg.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const CATALOG_TEXT_TYPES = new Set([18 /* "char" */, 19 /* name */, 1003 /* name[] */]);
const TEXT = 25;

let patched = false;
function readCatalogTypesAsText() {
  if (patched) return;
  patched = true;
  const query = pg.Client.prototype.query;
  // @ts-expect-error patched for the CLI process only
  pg.Client.prototype.query = function (...args) {
    const fix = (res) => {
      for (const field of res?.fields ?? []) {
        if (CATALOG_TEXT_TYPES.has(field.dataTypeID)) field.dataTypeID = TEXT;
      }
      return res;
    };
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // pg.Pool calls client.query(text, values, callback)
      args[args.length - 1] = (err, res) => last(err, err ? res : fix(res));
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    return result && typeof result.then === "function" ? result.then(fix) : result;
  };
}

/** @param {string} url */
export function pgConfig(url) {
  const u = new URL(url);
  return {
    host: u.hostname || "127.0.0.1",
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, "") || "postgres"),
    allowExitOnIdle: true,
  };
}

/** @param {string} url */
export function migrationAdapter(url) {
  readCatalogTypesAsText();
  const config = pgConfig(url);
  const factory = new PrismaPg(config);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const adapter = await connectToShadowDb();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      const info = adapter.underlyingDriver().options;
      await dispose();
      const admin = new pg.Client({ ...config });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${String(info.database).replace(/"/g, '""')}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    };
    return adapter;
  };
  return factory;
}
