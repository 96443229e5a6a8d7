// Runs before each test file: the app's environment and a private database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "./test-config";

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= TEST_API_KEY;
process.env.SHOPIFY_API_SECRET ??= TEST_API_SECRET;
process.env.SHOPIFY_APP_URL ??= TEST_APP_URL;
process.env.LOG_LEVEL ??= "error";
process.env.LOOPWISE_WORKER = "off";

const template = inject("templateDatabase");
const id = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

if (template.startsWith("postgres")) {
  const { default: pg } = await import("pg");
  const url = new URL(template);
  const templateName = url.pathname.slice(1);
  const name = `loopwise_t_${templateName.split("_").pop()}_${id}`;
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
  await admin.end();
  url.pathname = "/" + name;
  process.env.DATABASE_URL = url.href;
} else {
  const file = path.join(os.tmpdir(), `loopwise-${id}.db`);
  fs.copyFileSync(template.replace(/^file:/, ""), file);
  process.env.DATABASE_URL = "file:" + file;
}
