// Per-recipient discount codes through the Admin API (the fake Shopify over real HTTP).
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { DEFAULT_INCENTIVE_POLICY, discountCodeInput, minorToDecimal, newOfferCode, offerProblems } from "~/core/offers/offer";
import { ensureOffer, OfferError } from "~/core/offers/offers.server";
import { sampleStore, startFakeShopify } from "../../fakes/shopify-admin";
import { TEST_API_KEY, TEST_API_SECRET } from "../../setup/test-config";
import { adminFor } from "../backfill/helpers";

const SHOP = "offers-a.myshopify.com";
const OTHER = "offers-b.myshopify.com";
const fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [SHOP]: sampleStore({ seed: 1 }), [OTHER]: sampleStore({ seed: 2 }) } });
afterAll(() => fake.close());
const NOW = new Date("2026-11-27T10:00:00.000Z");
const TEN = { kind: "percentage", percent: 10, expiresInDays: 7, minimumSubtotalMinor: null } as const;

let target: { campaignId: string; step: number; customerId: string };
beforeEach(async () => {
  await prisma.shop.deleteMany({ where: { id: { in: [SHOP, OTHER] } } });
  await prisma.shop.createMany({ data: [{ id: SHOP, currency: "EUR" }, { id: OTHER }] });
  const customer = await prisma.customer.create({ data: { shopId: SHOP, shopifyId: "5001", email: "ada@example.com" } });
  const campaign = await prisma.campaign.create({ data: { shopId: SHOP, kind: "flow", flowType: "win-back", objective: "win-back", name: "Win back", plan: {} } });
  target = { campaignId: campaign.id, step: 1, customerId: customer.id };
});

describe("offer terms and codes", () => {
  it("bounds the plan's offer by the incentive policy", () => {
    expect(offerProblems(TEN)).toEqual([]);
    expect(offerProblems({ ...TEN, percent: 40 })).toEqual(["40% is above the shop's limit of 15%"]);
    expect(offerProblems({ ...TEN, percent: 40 }, { ...DEFAULT_INCENTIVE_POLICY, maxPercentOff: 50 })).toEqual([]);
    expect(offerProblems({ ...TEN, expiresInDays: 30 })).toEqual(["codes must expire within 14 days"]);
    expect(offerProblems(TEN, { ...DEFAULT_INCENTIVE_POLICY, allowDiscounts: false })).toEqual(["the shop does not allow discounts"]);
    expect(offerProblems({ kind: "fixed-amount", amountMinor: 5_000, currency: "EUR", expiresInDays: null, minimumSubtotalMinor: null })).toEqual(["the amount is above the shop's limit"]);
  });

  it("draws readable, distinct codes and formats amounts per currency", () => {
    const codes = new Set(Array.from({ length: 1000 }, () => newOfferCode()));
    expect(codes.size).toBe(1000);
    for (const c of codes) expect(c).toMatch(/^LW-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(minorToDecimal(500, "USD")).toBe("5.00");
    expect(minorToDecimal(500, "JPY")).toBe("500");
    expect(minorToDecimal(5, "KWD")).toBe("0.005");
    const input = discountCodeInput({ code: "LW-X", title: "t", offer: TEN, currency: "EUR", customerGid: "gid://shopify/Customer/1", startsAt: NOW, endsAt: NOW });
    expect(input).toMatchObject({ usageLimit: 1, appliesOncePerCustomer: true, context: { customers: { add: ["gid://shopify/Customer/1"] } }, customerGets: { value: { percentage: 0.1 } } });
    const shipping = discountCodeInput({ code: "LW-Y", title: "t", offer: { kind: "free-shipping", expiresInDays: null, minimumSubtotalMinor: 5_000 }, currency: "EUR", customerGid: "gid://shopify/Customer/1", startsAt: NOW, endsAt: NOW });
    expect(shipping).toMatchObject({ destination: { all: true }, usageLimit: 1, minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "50.00" } } });
    expect(shipping).not.toHaveProperty("customerGets");
  });
});

describe("ensureOffer", () => {
  it("creates one single-use code for this customer in Shopify, and a retry reuses it", async () => {
    const before = fake.mutations("discountCodeBasicCreate").length;
    const admin = adminFor(fake, SHOP);
    const offer = await ensureOffer(SHOP, target, TEN, { admin, now: NOW });
    expect(offer).toMatchObject({ status: "created", kind: "percentage", value: 10 });
    expect(offer.code).toMatch(/^LW-/);
    expect(offer.expiresAt.toISOString()).toBe("2026-12-04T10:00:00.000Z");
    const sent = fake.mutations("discountCodeBasicCreate").slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.shop).toBe(SHOP);
    expect(sent[0]!.variables.basicCodeDiscount).toMatchObject({ code: offer.code, usageLimit: 1, context: { customers: { add: ["gid://shopify/Customer/5001"] } }, endsAt: "2026-12-04T10:00:00.000Z" });
    const again = await ensureOffer(SHOP, target, TEN, { admin, now: NOW });
    expect(again.code).toBe(offer.code);
    expect(fake.mutations("discountCodeBasicCreate").length - before).toBe(1);
  });

  it("makes free-shipping codes through their own mutation", async () => {
    const before = fake.mutations("discountCodeFreeShippingCreate").length;
    const offer = await ensureOffer(SHOP, target, { kind: "free-shipping", expiresInDays: 5, minimumSubtotalMinor: null }, { admin: adminFor(fake, SHOP), now: NOW });
    expect(offer).toMatchObject({ status: "created", kind: "free-shipping", value: 0 });
    const sent = fake.mutations("discountCodeFreeShippingCreate").slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.variables.freeShippingCodeDiscount).toMatchObject({ code: offer.code, destination: { all: true }, usageLimit: 1, endsAt: "2026-12-02T10:00:00.000Z" });
    await expect(ensureOffer(SHOP, { ...target, step: 2 }, { kind: "free-shipping", expiresInDays: null, minimumSubtotalMinor: null }, { admin: adminFor(fake, SHOP), policy: { ...DEFAULT_INCENTIVE_POLICY, allowFreeShipping: false } })).rejects.toThrow(/does not allow free-shipping/);
  });

  it("recovers a crash between Shopify's answer and our record (the same code, not a second one)", async () => {
    const admin = adminFor(fake, SHOP);
    const first = await ensureOffer(SHOP, target, TEN, { admin, now: NOW });
    await prisma.offer.update({ where: { id: first.id }, data: { status: "pending", shopifyDiscountId: null } }); // as if we crashed
    const again = await ensureOffer(SHOP, target, TEN, { admin, now: NOW });
    expect(again).toMatchObject({ code: first.code, status: "created" });
    expect(await prisma.offer.count({ where: { shopId: SHOP } })).toBe(1);
  });

  it("refuses terms over the policy and another shop's customer, creating nothing", async () => {
    const admin = adminFor(fake, SHOP);
    await expect(ensureOffer(SHOP, target, { ...TEN, percent: 60 }, { admin })).rejects.toThrow(/above the shop's limit/);
    await expect(ensureOffer(SHOP, target, { kind: "fixed-amount", amountMinor: 500, currency: "USD", expiresInDays: null, minimumSubtotalMinor: null }, { admin })).rejects.toThrow(/the shop sells in EUR/);
    await expect(ensureOffer(OTHER, target, TEN, { admin: adminFor(fake, OTHER) })).rejects.toBeInstanceOf(OfferError);
    expect(await prisma.offer.count()).toBe(0);
  });

  it("an Admin API failure leaves the row pending, and the retry creates that same code once", async () => {
    const admin = adminFor(fake, SHOP);
    const before = fake.mutations("discountCodeBasicCreate").length;
    fake.failRequests({ nth: 1, status: 503, match: "LoopwiseOfferCreate" });
    await expect(ensureOffer(SHOP, target, TEN, { admin, now: NOW })).rejects.toThrow(/503/);
    const pending = await prisma.offer.findFirstOrThrow({ where: { shopId: SHOP } });
    expect(pending.status).toBe("pending");
    const done = await ensureOffer(SHOP, target, TEN, { admin, now: NOW });
    expect(done).toMatchObject({ code: pending.code, status: "created" });
    expect(fake.mutations("discountCodeBasicCreate").length - before).toBe(1);
  });
});
