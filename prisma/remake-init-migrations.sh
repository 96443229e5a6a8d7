#!/usr/bin/env bash
# Until the first release there is one init migration per provider, remade from
# prisma/schema.prisma. After a release, add migrations instead (prisma migrate diff
# --from-migrations ... --to-schema-datamodel ...).
set -euo pipefail
cd "$(dirname "$0")/.."
node prisma/make-postgres-schema.js
name=20261127000000_init
mkdir -p prisma/migrations/$name prisma/postgresql/migrations/$name
DATABASE_URL=file:./prisma/dev.db npx prisma migrate diff --from-empty --to-schema-datamodel prisma/schema.prisma --script > prisma/migrations/$name/migration.sql
DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx prisma migrate diff --from-empty --to-schema-datamodel prisma/postgresql/schema.prisma --script > prisma/postgresql/migrations/$name/migration.sql
node prisma/generate.js
echo "remade init migrations; delete prisma/dev.db to start a fresh local database"
