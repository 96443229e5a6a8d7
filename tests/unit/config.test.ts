import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
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

  it("declares a webhook subscription for every topic the app handles", () => {
    const topics = [
      "orders/create", "orders/updated", "orders/paid", "orders/cancelled", "refunds/create",
      "checkouts/create", "checkouts/update", "customers/create", "customers/update", "customers/delete",
      "products/create", "products/update", "products/delete", "app/uninstalled", "app/scopes_update",
      "customers/data_request", "customers/redact", "shop/redact",
    ];
    for (const topic of topics) expect(toml).toContain(`"${topic}"`);
  });
});

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
