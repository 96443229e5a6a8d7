import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TOPICS } from "~/core/ingest/topics.server";
import { API_VERSION } from "~/core/shopify-api-version";
import { REQUIRED_SCOPES, parseEnv } from "~/env.server";

const root = path.resolve(__dirname, "..", "..");
const toml = fs.readFileSync(path.join(root, "shopify.app.toml"), "utf8");

describe("app configuration", () => {
  it("uses one Admin API version everywhere", () => {
    expect(toml).toContain(`api_version = "${API_VERSION}"`);
    const versions = [...toml.matchAll(/api_version\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(versions)).toEqual(new Set([API_VERSION]));
    const extDir = path.join(root, "extensions");
    for (const ext of fs.existsSync(extDir) ? fs.readdirSync(extDir) : []) {
      const file = path.join(extDir, ext, "shopify.extension.toml");
      if (!fs.existsSync(file)) continue;
      const found = [...fs.readFileSync(file, "utf8").matchAll(/api_version\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
      for (const v of found) expect(v, file).toBe(API_VERSION);
    }
  });

  it("asks Shopify for exactly the scopes the app declares it needs", () => {
    const scopes = /scopes\s*=\s*"([^"]*)"/.exec(toml)?.[1]?.split(",") ?? [];
    expect([...scopes].sort()).toEqual([...REQUIRED_SCOPES].sort());
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    for (const scope of REQUIRED_SCOPES) expect(readme, `README justifies ${scope}`).toContain(`\`${scope}\``);
  });

  it("routes each webhook subscription to a route that serves exactly its topics", async () => {
    const subscriptions = webhookSubscriptions(toml);
    expect(subscriptions.length).toBeGreaterThan(0);
    const byUri = new Map<string, string[]>();
    for (const { uri, topics } of subscriptions) byUri.set(uri, [...(byUri.get(uri) ?? []), ...topics]);
    for (const [uri, topics] of byUri) {
      const file = routeFileFor(uri);
      const route = (await import(file)) as { TOPICS_SERVED?: readonly string[]; action?: unknown };
      expect(typeof route.action, `${uri}: ${path.relative(root, file)} has an action`).toBe("function");
      expect(route.TOPICS_SERVED, `${uri}: ${path.relative(root, file)} exports TOPICS_SERVED`).toBeDefined();
      expect(new Set(topics).size, `${uri}: no topic subscribed twice`).toBe(topics.length);
      expect([...route.TOPICS_SERVED!].sort(), `${uri} serves exactly its subscribed topics`).toEqual([...topics].sort());
    }
    // Every Shopify webhook route is the target of a subscription (SendGrid's event webhook is not Shopify's).
    const routed = new Set([...byUri.keys()].map((uri) => path.basename(routeFileFor(uri))));
    for (const file of fs.readdirSync(path.join(root, "app", "routes")).filter((f) => /^webhooks\..*\.tsx?$/.test(f) && !f.startsWith("webhooks.sendgrid."))) {
      expect(routed, `${file} is subscribed in shopify.app.toml`).toContain(file);
    }
  });

  it("subscribes to every topic the app handles, and to no other", () => {
    const subscribed = webhookSubscriptions(toml).flatMap((s) => s.topics);
    for (const topic of Object.keys(TOPICS)) expect(subscribed, `${topic} is subscribed`).toContain(topic);
    for (const topic of subscribed) expect(Object.keys(TOPICS), `${topic} has a handler`).toContain(topic);
  });
});

interface Subscription {
  uri: string;
  topics: string[];
}

/** The [[webhooks.subscriptions]] tables: their topics (or compliance_topics) and uri. */
function webhookSubscriptions(text: string): Subscription[] {
  // A table header is a line of its own: [name] or [[name]] (array lines hold quoted strings).
  const tables: string[] = [];
  let current: string[] | null = null;
  for (const line of text.split("\n").map((l) => l.replace(/#.*$/, ""))) {
    const header = /^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*$/.exec(line);
    if (header) {
      if (current) tables.push(current.join("\n"));
      current = header[1] === "[[" && header[2] === "webhooks.subscriptions" ? [] : null;
    } else current?.push(line);
  }
  if (current) tables.push(current.join("\n"));
  const list = (table: string, key: string) => {
    const m = new RegExp(`(?:^|\\n)\\s*${key}\\s*=\\s*\\[([^\\]]*)\\]`).exec(table);
    return m ? [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!) : [];
  };
  return tables.map((table) => {
    const uri = /(?:^|\n)\s*uri\s*=\s*"([^"]+)"/.exec(table)?.[1];
    const topics = [...list(table, "topics"), ...list(table, "compliance_topics")];
    expect(uri, `a subscription has a uri:\n${table}`).toBeDefined();
    expect(topics.length, `${uri} subscribes to some topic`).toBeGreaterThan(0);
    return { uri: uri!, topics };
  });
}

/** The Remix route module for a webhook path: /webhooks/app/uninstalled → app/routes/webhooks.app.uninstalled.tsx. */
function routeFileFor(uri: string): string {
  expect(uri, "webhook uris are app paths under /webhooks/").toMatch(/^\/webhooks(\/[a-z0-9_-]+)+$/);
  const base = path.join(root, "app", "routes", uri.slice(1).split("/").join("."));
  const file = [".tsx", ".ts"].map((ext) => base + ext).find((f) => fs.existsSync(f));
  expect(file, `${uri} has a route module (${path.relative(root, base)}.tsx)`).toBeDefined();
  return file!;
}

describe("environment", () => {
  const base = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://app.example.com" };

  it("refuses demo mode and fake origins in production", () => {
    expect(() => parseEnv({ ...base, NODE_ENV: "production", LOOPWISE_DEMO: "1" })).toThrow(/demo mode is refused/);
    expect(() => parseEnv({ ...base, NODE_ENV: "production", SHOPIFY_ADMIN_ORIGIN: "http://127.0.0.1:9" })).toThrow(/refused/);
    expect(() => parseEnv({ ...base, NODE_ENV: "production", SHOPIFY_APP_URL: "http://app.example.com" })).toThrow(/https/);
  });

  it("names every missing variable", () => {
    expect(() => parseEnv({})).toThrow(/SHOPIFY_API_KEY[\s\S]*SHOPIFY_API_SECRET[\s\S]*SHOPIFY_APP_URL/);
  });

  it("defaults to the declared scopes and the embedded worker", () => {
    const e = parseEnv(base);
    expect(e.SCOPES.split(",")).toEqual([...REQUIRED_SCOPES]);
    expect(e.LOOPWISE_WORKER).toBe("inline");
    expect(e.LOOPWISE_DEMO).toBe(false);
  });
});
