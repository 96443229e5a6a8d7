// Generates both Prisma clients (SQLite, the default, and PostgreSQL) offline.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prisma = path.join(root, "node_modules", "prisma", "build", "index.js");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };

execFileSync(process.execPath, [path.join(root, "prisma", "make-postgres-schema.js")], { cwd: root, stdio: "inherit" });
for (const databaseUrl of ["file:./prisma/dev.db", "postgresql://127.0.0.1:5432/postgres"]) {
  execFileSync(process.execPath, [prisma, "generate"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...env, DATABASE_URL: databaseUrl },
  });
}
console.log("generated Prisma clients (sqlite, postgresql)");
