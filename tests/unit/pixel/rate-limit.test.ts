import { describe, expect, it } from "vitest";
import { countPerBrowser, PixelRateLimiter, TokenBuckets } from "~/core/pixel/rate-limit";

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe("token buckets", () => {
  it("allows a burst, then refills at the rate", () => {
    const c = clock();
    const b = new TokenBuckets({ ratePerSecond: 10, burst: 20 }, c.now);
    expect(b.waitMs("k", 20)).toBe(0);
    b.take("k", 20);
    expect(b.waitMs("k", 1)).toBe(100);
    c.t += 500;
    expect(b.waitMs("k", 5)).toBe(0);
    expect(b.waitMs("k", 6)).toBe(100);
    c.t += 60_000;
    expect(b.waitMs("k", 20)).toBe(0); // never more than the burst
    b.take("k", 20);
    expect(b.waitMs("k", 1)).toBeGreaterThan(0);
  });
  it("keeps keys apart and forgets the least recently used beyond its size", () => {
    const c = clock();
    const b = new TokenBuckets({ ratePerSecond: 1, burst: 1 }, c.now, 2);
    b.take("a", 1);
    b.take("b", 1);
    b.take("a", 1);
    b.take("c", 1); // evicts b, the least recently used
    expect(b.size).toBe(2);
    expect(b.waitMs("b", 1)).toBe(0);
    expect(b.waitMs("a", 1)).toBeGreaterThan(0);
  });
});

describe("the pixel limiter", () => {
  const make = (c = clock()) =>
    new PixelRateLimiter({ shop: { ratePerSecond: 100, burst: 100 }, browser: { ratePerSecond: 10, burst: 30 }, now: c.now });

  it("limits one browser without touching another", () => {
    const limiter = make();
    expect(limiter.admit("s", countPerBrowser(Array(30).fill("b1"))).ok).toBe(true);
    const refused = limiter.admit("s", countPerBrowser(["b1"]));
    expect(refused).toEqual({ ok: false, limit: "browser", retryAfterSeconds: 1 });
    expect(limiter.admit("s", countPerBrowser(["b2"])).ok).toBe(true);
    expect(limiter.admit("other", countPerBrowser(["b1"])).ok).toBe(true); // browsers are per shop
  });
  it("limits a shop across browsers and says when to retry", () => {
    const c = clock();
    const limiter = make(c);
    for (let i = 0; i < 4; i++) expect(limiter.admit("s", countPerBrowser(Array(25).fill(`b${i}`))).ok).toBe(true);
    const refused = limiter.admit("s", countPerBrowser(Array(20).fill("b9")));
    expect(refused).toEqual({ ok: false, limit: "shop", retryAfterSeconds: 1 });
    c.t += 200;
    expect(limiter.admit("s", countPerBrowser(Array(20).fill("b9"))).ok).toBe(true);
  });
  it("takes no tokens from a refused batch", () => {
    const limiter = make();
    limiter.admit("s", countPerBrowser(Array(30).fill("b1")));
    expect(limiter.admit("s", countPerBrowser([...Array(5).fill("b2"), "b1"])).ok).toBe(false);
    expect(limiter.browsers.waitMs("s\nb2", 30)).toBe(0);
    expect(limiter.shops.waitMs("s", 70)).toBe(0);
  });
});
