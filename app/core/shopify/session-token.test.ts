import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { adminHostParam, mintSessionToken } from "./session-token";

const apiKey = "test-key";
const apiSecret = "test-secret";
const shop = "demo-shop.myshopify.com";
// Shopify's own verifier, the one authenticate.admin calls.
const api = shopifyApi({
  apiKey,
  apiSecretKey: apiSecret,
  apiVersion: ApiVersion.October25,
  hostName: "loopwise.test",
  isEmbeddedApp: true,
  logger: { level: 0, log: async () => {} },
});

describe("mintSessionToken", () => {
  it("makes a token Shopify's verifier accepts, with the admin's claims", async () => {
    const token = mintSessionToken({ shop, apiKey, apiSecret, ttlSeconds: 30 });
    const payload = await api.session.decodeSessionToken(token);
    expect(payload.iss).toBe(`https://${shop}/admin`);
    expect(payload.dest).toBe(`https://${shop}`);
    expect(payload.aud).toBe(apiKey);
    expect(payload.exp - payload.iat).toBe(30);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.sub).toBe("1");
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.sid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives each token its own jti", () => {
    const a = mintSessionToken({ shop, apiKey, apiSecret });
    const b = mintSessionToken({ shop, apiKey, apiSecret });
    expect(a).not.toBe(b);
  });

  it("is refused when signed with another secret, for another app, or expired", async () => {
    await expect(api.session.decodeSessionToken(mintSessionToken({ shop, apiKey, apiSecret: "other" }))).rejects.toThrow();
    await expect(api.session.decodeSessionToken(mintSessionToken({ shop, apiKey: "other-app", apiSecret }))).rejects.toThrow(/API key/);
    const longAgo = Math.floor(Date.now() / 1000) - 3600;
    await expect(api.session.decodeSessionToken(mintSessionToken({ shop, apiKey, apiSecret, now: longAgo }))).rejects.toThrow();
  });

  it("rejects a shop that is not a myshopify domain, and odd lifetimes", () => {
    expect(() => mintSessionToken({ shop: "evil.example.com", apiKey, apiSecret })).toThrow(/myshopify/);
    expect(() => mintSessionToken({ shop, apiKey, apiSecret, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => mintSessionToken({ shop, apiKey, apiSecret, ttlSeconds: 86_400 })).toThrow(/ttlSeconds/);
    expect(() => mintSessionToken({ shop, apiKey, apiSecret: "" })).toThrow(/apiSecret/);
  });
});

describe("adminHostParam", () => {
  it("is the base64 admin host that Shopify's host check accepts", () => {
    const host = adminHostParam(shop);
    expect(Buffer.from(host, "base64").toString()).toBe("admin.shopify.com/store/demo-shop");
    expect(api.utils.sanitizeHost(host)).toBe(host);
  });
});
