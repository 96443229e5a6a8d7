// One Loopwise app for an e2e test file: a private SQLite database copied from
// the migrated template, the fake Shopify Admin (token exchange, Admin API) and
// the built app served by startAppServer, in this process.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { inject } from "vitest";
import { startAppServer, type AppServer } from "../../bin/serve";
import { startFakeShopify, type FakeShopify } from "../fakes/shopify-admin";
import { adminHostParam, mintSessionToken } from "../../app/core/shopify/session-token";
import { TEST_API_KEY, TEST_API_SECRET } from "../setup/test-config";
import { USER_AGENT } from "./browser";

export const E2E_SHOP = "e2e-store.myshopify.com";

export interface E2eApp {
  url: string;
  shop: string;
  /** A client on the app's database, for waiting on and checking rows. */
  db: PrismaClient;
  fake: FakeShopify;
  server: AppServer;
  /** A session token as App Bridge would mint it (signed with the app's secret). */
  token(options?: { apiSecret?: string; now?: number }): string;
  /** The URL the Shopify admin loads in its iframe. */
  embeddedUrl(token: string, pathname?: string): string;
  close(): Promise<void>;
}

export async function startE2eApp({ demo }: { demo: boolean }): Promise<E2eApp> {
  // The app's database client is created when the build is first imported: the
  // database URL must be in process.env by then, and nothing here opens the app's.
  const file = path.join(os.tmpdir(), `loopwise-e2e-${process.pid}-${Date.now()}.db`);
  fs.copyFileSync(inject("templateDatabase").replace(/^file:/, ""), file);
  const databaseUrl = "file:" + file;

  const fake = await startFakeShopify({
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    stores: {
      [E2E_SHOP]: {
        shop: { name: "E2E Outfitters", currency: "USD", iana_timezone: "Europe/Paris" },
        products: [],
        customers: [],
        orders: [],
      },
    },
  });
  const server = await startAppServer({
    env: {
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_API_SECRET,
      SHOPIFY_APP_URL: undefined, // the server's own URL
      SHOPIFY_ADMIN_ORIGIN: fake.origin,
      LOOPWISE_DEMO: demo ? "1" : "0",
      LOOPWISE_DEMO_SHOP: E2E_SHOP,
      LOOPWISE_WORKER: "inline",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
    },
  });
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) });

  return {
    url: server.url,
    shop: E2E_SHOP,
    db,
    fake,
    server,
    token: ({ apiSecret = TEST_API_SECRET, now } = {}) =>
      mintSessionToken({ shop: E2E_SHOP, apiKey: TEST_API_KEY, apiSecret, ttlSeconds: 60, now }),
    embeddedUrl(token, pathname = "/app") {
      const params = new URLSearchParams({ embedded: "1", shop: E2E_SHOP, host: adminHostParam(E2E_SHOP), id_token: token });
      return `${server.url}${pathname}?${params.toString()}`;
    },
    async close() {
      await server.close();
      await fake.close();
      await db.$disconnect();
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    },
  };
}

/** A document request as the admin's iframe makes it (browser User-Agent: bots get 410). */
export function getDocument(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: "manual", headers: { "user-agent": USER_AGENT, accept: "text/html", ...headers } });
}

/** Waits until `check` returns true (polling), or fails with `what`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
