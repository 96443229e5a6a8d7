// In-memory token buckets for the pixel endpoint: one per shop and one per browser.
// Pure apart from its own state; the clock is injected so tests control time.
// Each process limits on its own: with N web processes a shop gets up to N times
// the rate, which is fine for a guard against floods (not a billing meter).

export interface BucketSpec {
  /** Tokens (events) added per second. */
  ratePerSecond: number;
  /** The most tokens a bucket holds: the largest burst allowed. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly spec: BucketSpec,
    private readonly now: () => number = Date.now,
    /** Least recently used buckets are forgotten beyond this many keys (a forgotten bucket is a full one). */
    private readonly maxKeys = 100_000,
  ) {
    if (!(spec.ratePerSecond > 0) || !(spec.burst >= 1)) throw new Error("token bucket: rate and burst must be positive");
  }

  private current(key: string): Bucket {
    const t = this.now();
    const b = this.buckets.get(key);
    if (!b) return { tokens: this.spec.burst, at: t };
    const elapsed = Math.max(0, t - b.at) / 1000;
    return { tokens: Math.min(this.spec.burst, b.tokens + elapsed * this.spec.ratePerSecond), at: t };
  }

  /** Milliseconds until `cost` tokens are available (0 when they are now). */
  waitMs(key: string, cost: number): number {
    const need = Math.min(cost, this.spec.burst) - this.current(key).tokens;
    return need <= 0 ? 0 : Math.ceil((need / this.spec.ratePerSecond) * 1000);
  }

  /** Takes `cost` tokens (capped at the burst) without checking; call waitMs first. */
  take(key: string, cost: number): void {
    const b = this.current(key);
    b.tokens -= Math.min(cost, this.spec.burst);
    this.buckets.delete(key); // re-insert: the Map's order is the LRU order
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  get size(): number {
    return this.buckets.size;
  }

  reset(): void {
    this.buckets.clear();
  }
}

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number; limit: "shop" | "browser" };

/** The two limits of the pixel endpoint, checked together: a refused batch takes no tokens. */
export class PixelRateLimiter {
  readonly shops: TokenBuckets;
  readonly browsers: TokenBuckets;

  constructor(options: { shop: BucketSpec; browser: BucketSpec; now?: () => number; maxKeys?: number }) {
    this.shops = new TokenBuckets(options.shop, options.now, options.maxKeys);
    this.browsers = new TokenBuckets(options.browser, options.now, options.maxKeys);
  }

  /** `perBrowser`: how many of the batch's events each browser id sent. */
  admit(shop: string, perBrowser: ReadonlyMap<string, number>): Admission {
    let total = 0;
    let browserWait = 0;
    for (const [browser, count] of perBrowser) {
      total += count;
      browserWait = Math.max(browserWait, this.browsers.waitMs(browserKey(shop, browser), count));
    }
    const shopWait = this.shops.waitMs(shop, total);
    if (shopWait > 0 || browserWait > 0) {
      const limit = shopWait >= browserWait ? "shop" : "browser";
      return { ok: false, limit, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(shopWait, browserWait) / 1000)) };
    }
    this.shops.take(shop, total);
    for (const [browser, count] of perBrowser) this.browsers.take(browserKey(shop, browser), count);
    return { ok: true };
  }

  reset(): void {
    this.shops.reset();
    this.browsers.reset();
  }
}

function browserKey(shop: string, browser: string): string {
  return `${shop}\n${browser}`;
}

/** Counts a batch's events per claimed browser id. */
export function countPerBrowser(browserIds: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of browserIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
