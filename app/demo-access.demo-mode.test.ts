// In demo mode: the guards (loopback peer, loopback Host, demo shop only, admin paths only).
import { beforeAll, describe, expect, it } from "vitest";

process.env.LOOPWISE_DEMO = "1";
process.env.LOOPWISE_DEMO_SHOP = "demo-store.myshopify.com";
let demo: typeof import("./demo-access.server");

beforeAll(async () => {
  demo = await import("./demo-access.server");
});

const req = (host: string) => new Request(`http://${host}/demo`, { headers: { host } });

describe("demo access guards", () => {
  it("allows loopback peers that name a loopback host", () => {
    expect(demo.demoAccessAllowed(req("127.0.0.1:3000"), { remoteAddress: "127.0.0.1" })).toBe(true);
    expect(demo.demoAccessAllowed(req("localhost:3000"), { remoteAddress: "::1" })).toBe(true);
    expect(demo.demoAccessAllowed(req("127.0.0.1:3000"), { remoteAddress: "::ffff:127.0.0.1" })).toBe(true);
  });

  it("refuses other peers, other hosts, and servers that do not say who the peer is", () => {
    expect(demo.demoAccessAllowed(req("127.0.0.1:3000"), { remoteAddress: "192.168.1.20" })).toBe(false);
    expect(demo.demoAccessAllowed(req("evil.example"), { remoteAddress: "127.0.0.1" })).toBe(false);
    expect(demo.demoAccessAllowed(req("127.0.0.1.evil.example"), { remoteAddress: "127.0.0.1" })).toBe(false);
    expect(demo.demoAccessAllowed(req("127.0.0.1:3000"), undefined)).toBe(false);
    expect(demo.demoAccessAllowed(req("127.0.0.1:3000"), {})).toBe(false);
  });

  it("refuses requests that came through a proxy (every visitor would look like loopback)", () => {
    for (const header of ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip"]) {
      const proxied = new Request("http://127.0.0.1:3000/demo", { headers: { host: "127.0.0.1:3000", [header]: "203.0.113.9" } });
      expect(demo.demoAccessAllowed(proxied, { remoteAddress: "127.0.0.1" }), header).toBe(false);
    }
  });

  it("mints tokens for the demo shop only, and opens admin paths only", () => {
    const url = new URL(demo.demoAdminUrl("/app/customers"), "http://127.0.0.1");
    expect(url.pathname).toBe("/app/customers");
    expect(url.searchParams.get("shop")).toBe("demo-store.myshopify.com");
    expect(url.searchParams.get("embedded")).toBe("1");
    const claims = JSON.parse(Buffer.from(url.searchParams.get("id_token")!.split(".")[1]!, "base64url").toString());
    expect(claims.dest).toBe("https://demo-store.myshopify.com");
    expect(claims.exp - claims.iat).toBe(demo.DEMO_TOKEN_TTL_SECONDS);
    for (const bad of ["https://evil.example/app", "//evil.example", "/auth/login", "/app/../demo"]) {
      expect(new URL(demo.demoAdminUrl(bad), "http://127.0.0.1").pathname).toBe("/app");
    }
  });

  it("marks the demo shop only", () => {
    expect(demo.isDemoShop("demo-store.myshopify.com")).toBe(true);
    expect(demo.isDemoShop("other.myshopify.com")).toBe(false);
  });
});
