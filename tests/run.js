#!/usr/bin/env node
// `npm test`: every suite the machine can run, and a plain account of what it skipped.
//   1. unit + integration tests on SQLite (always)
//   2. the integration tests again on PostgreSQL (when a server answers at TEST_POSTGRES_URL,
//      default postgresql://postgres@127.0.0.1:5432/test)
//   3. browser end-to-end tests in Chromium (when /usr/bin/chromium exists)
// With CI=true nothing may be skipped: a missing PostgreSQL or Chromium fails the run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ci = process.env.CI === "true" || process.env.CI === "1";
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const extraArgs = process.argv.slice(2);

const totals = { passed: 0, failed: 0, skipped: 0 };
const skippedSuites = [];
const failedTests = [];
let failedSuites = 0;

function runSuite(name, args, env = {}) {
  const report = path.join(os.tmpdir(), `loopwise-vitest-${process.pid}-${name.replace(/\W+/g, "-")}.json`);
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(
    process.execPath,
    [vitest, "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extraArgs],
    { cwd: root, stdio: "inherit", env: { ...process.env, ...env } },
  );
  let counted = false;
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, "utf8"));
    totals.passed += json.numPassedTests ?? 0;
    totals.failed += json.numFailedTests ?? 0;
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    counted = (json.numTotalTests ?? 0) > 0;
    // Named again at the very end, so the last lines of a long log say what failed.
    for (const file of json.testResults ?? []) {
      const rel = path.relative(root, file.name ?? "");
      for (const test of file.assertionResults ?? []) {
        if (test.status !== "failed") continue;
        const why = String(test.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300);
        failedTests.push(`FAILED [${name}] ${rel} > ${test.fullName}: ${why}`);
      }
      if ((file.assertionResults ?? []).length === 0 && file.status === "failed") {
        failedTests.push(`FAILED [${name}] ${rel}: ${String(file.message ?? "").split("\n")[0].slice(0, 300)}`);
      }
    }
    fs.rmSync(report, { force: true });
  }
  if (result.status !== 0 || !counted) {
    failedSuites++;
    if (!counted) console.error(`${name}: no test ran`);
  }
}

function skip(name, reason) {
  const line = `SKIPPED ${name}: ${reason}`;
  skippedSuites.push(line);
  console.log(`\n=== ${name} ===\n${line}`);
}

async function postgresReachable() {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

runSuite("unit and integration tests (SQLite)", []);

if (await postgresReachable()) {
  runSuite("integration tests (PostgreSQL)", ["tests/integration"], { TEST_DATABASE: "postgres", TEST_POSTGRES_URL: postgresUrl });
} else {
  skip("integration tests (PostgreSQL)", `no PostgreSQL answered at ${postgresUrl} (set TEST_POSTGRES_URL)`);
}

if (fs.existsSync(path.join(root, "vitest.e2e.config.ts"))) {
  if (fs.existsSync(chromium)) {
    runSuite("browser end-to-end tests (Chromium)", ["-c", "vitest.e2e.config.ts"], { CHROMIUM_PATH: chromium });
  } else {
    skip("browser end-to-end tests (Chromium)", `${chromium} not found (apt-get install chromium)`);
  }
}

console.log("");
for (const line of failedTests) console.log(line);
for (const line of skippedSuites) console.log(line);
if (ci && skippedSuites.length > 0) {
  console.log("CI=true: skipped suites count as failures");
  failedSuites += skippedSuites.length;
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites > 0 || totals.failed > 0 ? 1 : 0);
