import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateDemoStore } from "~/demo/generator";
import { parseWebhookRoutes, pixelBatches, planReplay } from "~/demo/replay-plan";

const store = generateDemoStore({ seed: 3, customers: 120, products: 30, now: "2026-11-27T17:00:00Z" });

describe("replay plan", () => {
  it("reads every topic's URI from shopify.app.toml", () => {
    const routes = parseWebhookRoutes(fs.readFileSync(path.resolve(__dirname, "../../../shopify.app.toml"), "utf8"));
    expect(routes.get("orders/create")).toBe("/webhooks/orders");
    expect(routes.get("refunds/create")).toBe("/webhooks/refunds");
    expect(routes.get("checkouts/update")).toBe("/webhooks/checkouts");
    expect(routes.get("customers/redact")).toBe("/webhooks/compliance");
    for (const w of store.webhooks) expect(routes.has(w.topic)).toBe(true);
  });

  it("orders phases: products, customers, creations, later changes, browsing", () => {
    const phases = planReplay(store);
    expect(phases.map((p) => p.name)).toEqual(["products", "customers", "orders", "updates", "browsing"]);
    const topics = (i: number) => new Set(phases[i]!.lanes.flat().map((d) => (d.kind === "webhook" ? d.topic : "pixel")));
    expect(topics(0)).toEqual(new Set(["products/create"]));
    expect(topics(1)).toEqual(new Set(["customers/create"]));
    expect(topics(2)).toEqual(new Set(["orders/create", "checkouts/create"]));
    expect(topics(4)).toEqual(new Set(["pixel"]));
    const sent = phases.slice(0, 4).reduce((n, p) => n + p.lanes.flat().length, 0);
    expect(sent).toBe(store.webhooks.length);
    // Within a lane (one order), deliveries keep their time order.
    for (const lane of phases[3]!.lanes) {
      const times = lane.map((d) => (d.kind === "webhook" ? d.triggeredAt : ""));
      expect([...times].sort()).toEqual(times);
    }
  });

  it("batches pixel events by browser, at most 20 a batch, with identity for known customers", () => {
    const batches = pixelBatches(store.shop.domain, store.sessions, 20);
    const total = store.sessions.reduce((n, s) => n + s.events.length, 0);
    expect(batches.reduce((n, b) => n + b.events, 0)).toBe(total);
    for (const b of batches) {
      const body = JSON.parse(b.body) as { shop: string; events: { clientId: string }[]; identity?: { customerId: string } };
      expect(body.shop).toBe(store.shop.domain);
      expect(body.events.length).toBeLessThanOrEqual(20);
      expect(new Set(body.events.map((e) => e.clientId)).size).toBe(1);
      if (body.identity) expect(body.identity.customerId).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    }
    expect(batches.some((b) => b.body.includes('"identity"'))).toBe(true);
    expect(() => pixelBatches(store.shop.domain, store.sessions, 51)).toThrow();
  });
});
