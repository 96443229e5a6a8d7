// The replay signs like Shopify: a loopback server verifies every HMAC and header.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoStore } from "~/demo/generator";
import { loadWebhookRoutes, replayStore, ReplayError } from "~/demo/replay.server";
import { API_VERSION } from "~/core/shopify-api-version";

const SECRET = "replay-test-secret";
const store = generateDemoStore({ seed: 11, customers: 60, products: 20, now: "2026-11-27T17:00:00Z" });

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  validHmac: boolean;
}

let server: http.Server;
let url: string;
const received: Received[] = [];
let failNext: number | null = null;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
      const expected = createHmac("sha256", SECRET).update(body).digest();
      received.push({ path: req.url ?? "", headers: req.headers, body, validHmac: given.length === expected.length && timingSafeEqual(given, expected) });
      setTimeout(() => {
        inFlight--;
        if (failNext !== null && received.length >= failNext) {
          res.writeHead(500).end("boom");
          return;
        }
        res.writeHead(200).end();
      }, 2);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("replayStore", () => {
  it("sends every webhook signed, with Shopify's headers, to the toml URIs, then the pixel batches", async () => {
    received.length = 0;
    const progress: string[] = [];
    const summary = await replayStore(store, { appUrl: url, apiSecret: SECRET }, { concurrency: 8, onProgress: (p) => p.done === p.total && progress.push(p.phase) });
    const webhooks = received.filter((r) => r.path.startsWith("/webhooks/"));
    const pixel = received.filter((r) => r.path === "/pixel/events");
    expect(summary.webhooks).toBe(store.webhooks.length);
    expect(webhooks).toHaveLength(store.webhooks.length);
    expect(webhooks.every((r) => r.validHmac)).toBe(true);
    const routes = loadWebhookRoutes();
    for (const r of webhooks) {
      const topic = String(r.headers["x-shopify-topic"]);
      expect(r.path).toBe(routes.get(topic));
      expect(r.headers["x-shopify-shop-domain"]).toBe(store.shop.domain);
      expect(r.headers["x-shopify-api-version"]).toBe(API_VERSION);
      expect(r.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers["x-shopify-event-id"]).toBeTruthy();
      expect(Number.isFinite(Date.parse(String(r.headers["x-shopify-triggered-at"])))).toBe(true);
      expect(() => JSON.parse(r.body)).not.toThrow();
    }
    // Products first, then customers; every customer before any order.
    const topics = webhooks.map((r) => String(r.headers["x-shopify-topic"]));
    expect(topics.lastIndexOf("products/create")).toBeLessThan(topics.indexOf("customers/create"));
    expect(topics.lastIndexOf("customers/create")).toBeLessThan(topics.indexOf("orders/create"));
    expect(received.findIndex((r) => r.path === "/pixel/events")).toBeGreaterThan(received.map((r) => r.path).lastIndexOf("/webhooks/orders") - 1);
    expect(pixel.reduce((n, r) => n + (JSON.parse(r.body) as { events: unknown[] }).events.length, 0)).toBe(summary.pixelEvents);
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(progress).toEqual(["products", "customers", "orders", "updates", "browsing"]);
  });

  it("a tampered body no longer matches its signature (the check above can fail)", () => {
    const body = JSON.stringify(store.orders[0]);
    const sig = createHmac("sha256", SECRET).update(body).digest("base64");
    expect(createHmac("sha256", SECRET).update(body.replace("#", "%")).digest("base64")).not.toBe(sig);
  });

  it("stops with a clear error on a non-2xx answer", async () => {
    received.length = 0;
    failNext = 5;
    try {
      await expect(replayStore(store, { appUrl: url, apiSecret: SECRET }, { concurrency: 2 })).rejects.toThrow(ReplayError);
      await expect(replayStore(store, { appUrl: url, apiSecret: SECRET }, { concurrency: 2 })).rejects.toThrow(/products\/create .* answered 500: boom/);
    } finally {
      failNext = null;
    }
  });
});
