// The draft cache: a pure key over the normalised input and model, and an LRU store.
import { describe, expect, it } from "vitest";
import { draftCacheKey, LruDraftCache, type CachedDraft } from "~/core/content/cache";
import { parseGenerationInput } from "~/core/content/input";
import { inputFor, plan, SCARF } from "./fixtures";

const p = plan("launch", "product-launch", null, true);
const key = (extra: Parameters<typeof inputFor>[2] = {}, model = "gpt-4o-mini") => draftCacheKey(parseGenerationInput(inputFor(p, 1, extra)), model);

describe("draftCacheKey", () => {
  it("is the same for the same meaning, whatever the key order or spacing", () => {
    const a = parseGenerationInput(inputFor(p, 1));
    const reverse = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverse) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
    const reordered = reverse(a) as typeof a;
    expect(Object.keys(reordered)[0]).toBe("seed");
    expect(draftCacheKey(reordered, "m")).toBe(draftCacheKey(a, "m"));
    const spaced = { ...a, shop: { ...a.shop, name: "  Acme   Goods " } };
    expect(draftCacheKey(spaced, "m")).toBe(draftCacheKey(a, "m"));
    expect(key()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with anything that changes the draft", () => {
    const base = key();
    const changed = [
      key({}, "gpt-4o"),
      key({ seed: 8 }),
      key({ variant: 1 }),
      key({ tone: "formal" }),
      key({ products: [{ ...SCARF, priceMinor: 4500 }] }),
      key({ segment: { key: "vip", description: "Big spenders" } }),
      key({ voice: { senderName: "Sam" } }),
    ];
    expect(new Set([base, ...changed]).size).toBe(changed.length + 1);
  });
});

describe("LruDraftCache", () => {
  const entry = (label: string): CachedDraft => ({
    copy: { subjectVariants: [label, "b", "c"], previewText: "p", headline: "h", bodyBlocks: [{ type: "paragraph", text: "t" }], callToAction: { label: "Go", url: "https://a.example.com/" } },
    warnings: [],
  });

  it("evicts the least recently used entry", async () => {
    const cache = new LruDraftCache(2);
    await cache.set("a", entry("a"));
    await cache.set("b", entry("b"));
    expect((await cache.get("a"))?.copy.subjectVariants[0]).toBe("a"); // a is now the most recent
    await cache.set("c", entry("c"));
    expect(await cache.get("b")).toBeUndefined();
    expect(await cache.get("a")).toBeDefined();
    expect(await cache.get("c")).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it("hands out copies, so a caller's edit cannot change the cache", async () => {
    const cache = new LruDraftCache(5);
    await cache.set("k", entry("x"));
    const got = (await cache.get("k"))!;
    got.copy.subjectVariants[0] = "edited";
    expect((await cache.get("k"))!.copy.subjectVariants[0]).toBe("x");
    expect(() => new LruDraftCache(0)).toThrow(/at least 1 entry/);
  });
});
