// Chromium for the e2e tests: Debian's build through playwright-core, headless,
// a fresh profile each time, and no request allowed off loopback (they are
// aborted and recorded, so tests can assert on them).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { describe, it } from "vitest";

import { CHROMIUM_PATH, isCi } from "./chromium";

export { CHROMIUM_PATH, isCi };
// A plain desktop Chrome: "HeadlessChrome" is a bot to isbot, and Shopify's auth answers bots 410.
export const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FLAGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-default-apps",
  "--disable-dev-shm-usage",
];
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export const hasChromium = () => fs.existsSync(CHROMIUM_PATH);

/** A describe block that skips plainly without Chromium, and fails instead under CI=true. */
export function describeInBrowser(name: string, body: () => void) {
  if (hasChromium()) return describe(name, body);
  if (isCi()) {
    return describe(name, () => {
      it("needs Chromium", () => {
        throw new Error(`CI=true: ${CHROMIUM_PATH} is missing (apt-get install chromium)`);
      });
    });
  }
  process.stdout.write(`SKIPPED ${name}: ${CHROMIUM_PATH} not found (apt-get install chromium)\n`);
  return describe.skip(name, body);
}

export interface Browser {
  context: BrowserContext;
  /** Requests that tried to leave loopback (aborted). */
  offLoopback: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "loopwise-chromium-"));
  // launchPersistentContext passes the fresh profile as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    chromiumSandbox: false,
    args: FLAGS,
    userAgent: USER_AGENT,
    viewport: { width: 1280, height: 900 },
  });
  const offLoopback: string[] = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === "http:" || url.protocol === "https:") && !LOOPBACK.test(url.hostname)) {
      offLoopback.push(url.href);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  return {
    context,
    offLoopback,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
