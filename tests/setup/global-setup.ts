// Prepares one migrated template database per run. Each test file then gets
// its own copy (SQLite: a copied file; PostgreSQL: CREATE DATABASE ... TEMPLATE),
// so test files never see each other's rows.
// TEST_DATABASE=postgres selects PostgreSQL (127.0.0.1:5432, or TEST_POSTGRES_URL).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

const root = path.resolve(__dirname, "..", "..");

export function migrate(url: string) {
  execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

export default async function setup(project: TestProject) {
  const runId = `${process.pid}`;
  if (process.env.TEST_DATABASE === "postgres") {
    const { default: pg } = await import("pg");
    const base = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
    const template = `loopwise_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${template}`);
    const url = new URL(base);
    url.pathname = "/" + template;
    migrate(url.href);
    project.provide("templateDatabase", url.href);
    return async () => {
      const res = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'loopwise_t%_${runId}%'`);
      for (const row of res.rows) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
      await admin.end();
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-test-"));
  const file = path.join(dir, "template.db");
  migrate("file:" + file);
  project.provide("templateDatabase", "file:" + file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
