// Once per e2e run: rebuild the app when build/ is older than its sources,
// migrate a template SQLite database (each test file copies it), and check
// that Chromium is there (with CI=true a missing Chromium is an error).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../setup/global-setup";
import { CHROMIUM_PATH, isCi } from "./chromium";

const root = path.resolve(__dirname, "..", "..");
const SOURCES = ["app", "public", "vite.config.ts", "package.json", "tsconfig.json"];

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of fs.readdirSync(entry)) {
    if (child.endsWith(".test.ts") || child.endsWith(".test.tsx")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

export function buildIsStale(): boolean {
  const built = path.join(root, "build", "server", "index.js");
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

export default function setup(project: TestProject) {
  if (!fs.existsSync(CHROMIUM_PATH) && isCi()) {
    throw new Error(`CI=true: Chromium is required for the e2e tests and ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
  }
  if (buildIsStale()) {
    process.stdout.write("e2e: build/ is older than the sources, running `remix vite:build`\n");
    execFileSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-e2e-"));
  const file = path.join(dir, "template.db");
  migrate("file:" + file);
  project.provide("templateDatabase", "file:" + file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
