// Writes prisma/postgresql/schema.prisma from prisma/schema.prisma: the same
// models, the postgresql provider, and a client generated to its own folder.
// Run by `npm run db:schema`; a test checks the two files agree.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));

export function postgresSchema(sqliteSchema) {
  const out = sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(
      /generator client \{([^}]*)\}/,
      (_m, body) => `generator client {${body.replace(/\n$/, "")}\n  output     = "../../node_modules/.prisma/client-pg"\n}`,
    );
  return "// GENERATED from ../schema.prisma by prisma/make-postgres-schema.js: edit that file, not this one.\n" + out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = fs.readFileSync(path.join(dir, "schema.prisma"), "utf8");
  fs.mkdirSync(path.join(dir, "postgresql"), { recursive: true });
  fs.writeFileSync(path.join(dir, "postgresql", "schema.prisma"), postgresSchema(src));
  console.log("wrote prisma/postgresql/schema.prisma");
}
