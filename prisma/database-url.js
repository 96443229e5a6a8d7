// The one place that resolves DATABASE_URL for the CLI, the app and the tests.
// A relative SQLite path is made absolute against the repository root, so the
// CLI and the app open the same file whatever their working directory.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

/** @param {string | undefined} [raw] */
export function databaseUrl(raw = process.env.DATABASE_URL) {
  const url = raw && raw.trim() !== "" ? raw.trim() : DEFAULT_DATABASE_URL;
  if (isPostgresUrl(url)) return url;
  const file = url.replace(/^file:/, "");
  if (file === ":memory:") return url;
  return "file:" + (path.isAbsolute(file) ? file : path.join(root, file));
}

/** @param {string} url */
export function isPostgresUrl(url) {
  return /^postgres(ql)?:\/\//.test(url);
}

/** @param {string} url */
export function sqliteFile(url) {
  return url.replace(/^file:/, "");
}
