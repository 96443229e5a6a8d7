import { describe, expect, it } from "vitest";
import { backfillSince, formatBulkCursor, nextPhase, ordersSearch, parseBulkCursor, percentEstimate } from "./progress";

describe("backfill progress", () => {
  it("walks products → customers → orders → done", () => {
    expect(nextPhase("products")).toBe("customers");
    expect(nextPhase("customers")).toBe("orders");
    expect(nextPhase("orders")).toBe("done");
    expect(nextPhase("done")).toBe("done");
  });

  it("estimates percent from stored rows against Shopify's counts", () => {
    const totals = { products: 10, customers: 40, orders: 50 };
    expect(percentEstimate("products", "running", { products: 5, customers: 0, orders: 0 }, totals)).toBe(5);
    expect(percentEstimate("orders", "running", { products: 10, customers: 40, orders: 25 }, totals)).toBe(75);
    // More rows than counted (new orders meanwhile) never shows 100 before the end.
    expect(percentEstimate("orders", "running", { products: 10, customers: 41, orders: 80 }, totals)).toBe(99);
    expect(percentEstimate("orders", "done", { products: 0, customers: 0, orders: 0 }, totals)).toBe(100);
    expect(percentEstimate("customers", "running", { products: 1, customers: 1, orders: 0 }, null)).toBeNull();
  });

  it("asks for orders of the last 365 days", () => {
    const since = backfillSince(new Date("2026-11-27T12:00:00Z"));
    expect(since.toISOString()).toBe("2025-11-27T12:00:00.000Z");
    expect(ordersSearch(since)).toBe("created_at:>='2025-11-27T12:00:00.000Z'");
  });

  it("keeps a phase's bulk operation and stored lines in the cursor; an unknown cursor starts afresh", () => {
    const c = { op: "gid://shopify/BulkOperation/7", lines: 1234 };
    expect(parseBulkCursor(formatBulkCursor(c))).toEqual(c);
    expect(parseBulkCursor(null)).toBeNull();
    expect(parseBulkCursor("eyJsYXN0X2lkIjoiNSJ9")).toBeNull(); // a paginated cursor of the earlier backfill
    expect(parseBulkCursor(JSON.stringify({ op: "gid://shopify/BulkOperation/7", lines: -1 }))).toBeNull();
    expect(parseBulkCursor(JSON.stringify({ op: "x", lines: 0 }))).toBeNull();
  });
});
