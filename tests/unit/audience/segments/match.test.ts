import { describe, expect, it } from "vitest";
import { compile } from "~/core/audience/segments/compile";
import { matchesWhere, type CustomerFact, type ProfileFact } from "~/core/audience/segments/match";
import { all, any, type Condition } from "~/core/audience/segments/rule";

const NOW = new Date("2026-06-01T12:00:00Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const SHOP = "m.myshopify.com";

const profile = (p: Partial<ProfileFact> = {}): ProfileFact => ({
  customerId: "c1", orderCount: 2, refundCount: 0, totalSpent: 10_000, averageOrderValue: 5_000, predictedClv12m: null, pAlive: 0.4,
  recencyScore: 3, frequencyScore: 2, monetaryScore: null, firstOrderAt: ago(100), lastOrderAt: ago(30), churnRisk: null, lifecycleStage: "active", ...p,
});
const customer = (c: Partial<CustomerFact> = {}): CustomerFact => ({
  id: "c1", shopId: SHOP, deletedAt: null, redactedAt: null, emailConsentState: "SUBSCRIBED", profile: profile(), orders: [], browseEvents: [], ...c,
});
const order = (daysAgo: number, productIds: string[] = []) => ({ shopId: SHOP, customerId: "c1", cancelledAt: null, test: false, shopifyCreatedAt: ago(daysAgo), productIds });
const holds = (c: CustomerFact, ...conditions: Condition[]) => matchesWhere(compile(all(...conditions), { shopId: SHOP, now: NOW, customerId: "c1" }), c);

describe("matchesWhere on a compiled rule", () => {
  it("reads days since an order as whole days, boundaries included", () => {
    const c = customer({ profile: profile({ lastOrderAt: ago(30) }) });
    expect(holds(c, { type: "profile", field: "daysSinceLastOrder", op: "gte", value: 30 })).toBe(true);
    expect(holds(c, { type: "profile", field: "daysSinceLastOrder", op: "gt", value: 30 })).toBe(false);
    expect(holds(c, { type: "profile", field: "daysSinceLastOrder", op: "eq", value: 30 })).toBe(true);
    expect(holds(customer({ profile: profile({ lastOrderAt: new Date(ago(30).getTime() + 1) }) }), { type: "profile", field: "daysSinceLastOrder", op: "gte", value: 30 })).toBe(false);
    expect(holds(c, { type: "profile", field: "daysSinceLastOrder", op: "lt", value: 0 })).toBe(false); // `in: []`
  });

  it("gives NULL columns and a missing profile SQL's answer: no comparison matches", () => {
    const c = customer();
    expect(holds(c, { type: "profile", field: "monetaryScore", op: "neq", value: 3 })).toBe(false);
    expect(holds(c, { type: "churnRisk", op: "notIn", values: ["high"] })).toBe(false);
    expect(holds(c, { type: "profile", field: "pAlive", op: "between", value: 0.4, value2: 0.5 })).toBe(true);
    expect(holds(customer({ profile: null }), { type: "profile", field: "orderCount", op: "gte", value: 0 })).toBe(false);
  });

  it("evaluates order relations with windows, products, cancellations and test orders as the database does", () => {
    const c = customer({ orders: [order(10, ["5"]), { ...order(2, ["6"]), cancelledAt: ago(1) }, { ...order(3, ["7"]), test: true }] });
    expect(holds(c, { type: "bought", op: "did", target: { kind: "product", productId: "5" }, withinDays: 10 })).toBe(true);
    expect(holds(c, { type: "bought", op: "did", target: { kind: "product", productId: "5" }, withinDays: 9 })).toBe(false);
    expect(holds(c, { type: "bought", op: "did", target: { kind: "product", productId: "6" } })).toBe(false);
    expect(holds(c, { type: "bought", op: "didNot", target: { kind: "product", productId: "7" } })).toBe(true);
    expect(holds(c, { type: "activity", event: "order", op: "atMost", count: 0, withinDays: 9 })).toBe(true);
    expect(holds(c, { type: "activity", event: "order", op: "atLeast", count: 0 })).toBe(true);
  });

  it("combines groups and respects the customer scope and erasure", () => {
    const rule = any(all({ type: "emailConsent", op: "in", states: ["UNSUBSCRIBED"] }), { type: "profile", field: "orderCount", op: "eq", value: 2 });
    const where = compile(rule, { shopId: SHOP, now: NOW, customerId: "c1" });
    expect(matchesWhere(where, customer())).toBe(true);
    expect(matchesWhere(where, customer({ deletedAt: NOW }))).toBe(false);
    expect(matchesWhere(where, customer({ id: "c2" }))).toBe(false);
    expect(matchesWhere(where, customer({ shopId: "other.myshopify.com" }))).toBe(false);
  });

  it("refuses a filter it does not know rather than guess", () => {
    expect(() => matchesWhere({ email: { contains: "x" } } as never, customer())).toThrow(/unsupported filter customer.email/);
    expect(() => matchesWhere({ profile: { isNot: {} } } as never, customer())).toThrow(/unsupported/);
  });
});
