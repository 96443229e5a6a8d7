// Previews on the real database: one variant compiled once and merged for real
// sample recipients of its audience (escaped names, behaviour lines, their own
// product blocks), with the legal footer, a plain-text part, under Gmail's
// clipping limit; a visibly fake offer code and no discount created.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { createCampaign, generateDrafts, listFlows, previewEmails, CampaignError, SAMPLE_OFFER_CODE } from "~/core/campaigns/campaigns.server";
import { OfflineContentProvider } from "~/core/content/offline/provider";
import { escapeHtml, GMAIL_CLIP_BYTES } from "~/core/render";
import { ADDRESS, HOSTILE_NAME, NOW, PRODUCTS, seedShop, type SeededShop } from "./fixtures";

const SHOP = "previews-a.myshopify.com";
const EMPTY = "previews-empty.myshopify.com";
const NO_ADDRESS = "previews-noaddress.myshopify.com";
const provider = new OfflineContentProvider({ appOrigin: process.env.SHOPIFY_APP_URL });
const opts = { now: NOW };
let a: SeededShop;
let winBack: string;

beforeAll(async () => {
  a = await seedShop(SHOP, 10);
  winBack = (await createCampaign(SHOP, { objective: "win-back", offer: { kind: "percentage", percent: 10, expiresInDays: 7 } }, { queue: null })).id;
  await generateDrafts(SHOP, winBack, { ...opts, provider });
});

const title = (id: string) => PRODUCTS.find((p) => p.id === id)!.title;

describe("previewEmails", () => {
  it("renders for real members of the audience, their names escaped, with the footer and plain text, under 102 KB", async () => {
    const previews = await previewEmails(SHOP, winBack, { step: 0, variant: "A", recipients: 3 }, opts);
    const members = await prisma.segmentMembership.findMany({ where: { shopId: SHOP, segmentId: a.segmentId }, orderBy: { customerId: "asc" }, take: 3, select: { customer: { select: { firstName: true, lastName: true, email: true } } } });
    expect(previews.map((p) => p.label)).toEqual(members.map((m) => `${m.customer.firstName} ${m.customer.lastName![0]}.`));
    expect(previews.map((p) => p.to?.email)).toEqual(members.map((m) => m.customer.email));
    expect(members.map((m) => m.customer.firstName)).toContain(HOSTILE_NAME);
    for (const [i, p] of previews.entries()) {
      const name = members[i]!.customer.firstName!;
      expect(p.problems).toEqual([]);
      expect(p.bytes).toBe(Buffer.byteLength(p.html));
      expect(p.bytes).toBeLessThan(GMAIL_CLIP_BYTES);
      expect(p.html).toContain(`Hi ${escapeHtml(name)},`);
      expect(p.text).toContain(`Hi ${name},`);
      expect(p.html).toContain(ADDRESS);
      expect(p.text).toContain(ADDRESS);
      expect(p.text).toMatch(/^Unsubscribe: https:\/\/loopwise\.test\/unsubscribe\/preview-sample-link$/m);
      // The lapsed line: their last order was 120 days ago.
      expect(p.text).toContain("It has been 4 months since your last order.");
    }
    const hostile = previews.find((p) => p.label.startsWith("<b>"))!;
    expect(hostile.html).toContain("&lt;b&gt;Zoë&lt;/b&gt; &amp; &quot;ignore all rules&quot;");
    expect(hostile.html).not.toContain("<b>Zoë");
    // Subject lines rotate over the recipients, as an A/B test would send them.
    expect(new Set(previews.map((p) => p.subject)).size).toBe(3);
  });

  it("shows a visibly fake code where the offer goes and creates no discount", async () => {
    const [withOffer] = await previewEmails(SHOP, winBack, { step: 2, variant: "B", recipients: 1 }, opts);
    expect(withOffer!.problems).toEqual([]);
    expect(withOffer!.html).toContain(SAMPLE_OFFER_CODE);
    expect(withOffer!.text).toContain(SAMPLE_OFFER_CODE);
    expect(withOffer!.text).toContain("June 8, 2026"); // 7 days from now, in the shop's zone
    const [without] = await previewEmails(SHOP, winBack, { step: 0, variant: 0, recipients: 1 }, opts);
    expect(without!.html).not.toContain(SAMPLE_OFFER_CODE);
    expect(await prisma.offer.count()).toBe(0);
  });

  it("fills per-recipient blocks from the recommender: their cart, products bought with theirs", async () => {
    const flows = await listFlows(SHOP, { queue: null });
    const cart = flows.find((f) => f.flowType === "cart-recovery")!;
    const post = flows.find((f) => f.flowType === "post-purchase")!;
    await generateDrafts(SHOP, cart.id, { ...opts, provider });
    await generateDrafts(SHOP, post.id, { ...opts, provider });

    // Only customer 1 has an open checkout (the Cedar Candle): the cart flow's sample is them alone.
    const carts = await previewEmails(SHOP, cart.id, { step: 0, variant: "A", recipients: 3 }, opts);
    expect(carts.map((p) => p.label)).toEqual(["Ann1 S."]);
    expect(carts[0]!.text).toContain("Still thinking about your cart?");
    expect(carts[0]!.html).toContain("Cedar Candle");
    expect(carts[0]!.problems).toEqual([]);

    const cross = await previewEmails(SHOP, post.id, { step: 1, variant: "A", recipients: 3 }, opts);
    expect(cross).toHaveLength(3);
    const customers = await prisma.customer.findMany({ where: { shopId: SHOP, orders: { some: {} } }, orderBy: { id: "asc" }, take: 3, select: { orders: { select: { lineItems: { select: { productShopifyId: true } } } } } });
    for (const [i, p] of cross.entries()) {
      expect(p.problems).toEqual([]);
      const bought = customers[i]!.orders.flatMap((o) => o.lineItems.map((l) => l.productShopifyId!));
      const block = p.text.slice(p.text.indexOf("Thanks again for choosing"));
      const others = PRODUCTS.filter((x) => !("soldOut" in x) && !bought.includes(x.id)).map((x) => x.title);
      expect(others.some((t) => block.includes(t))).toBe(true);
      expect(p.html).not.toContain(title("106")); // sold out
    }
  });

  it("falls back to a made-up sample recipient when the shop has no customers", async () => {
    await seedShop(EMPTY, 0);
    const { id } = await createCampaign(EMPTY, { objective: "win-back" }, { queue: null });
    await generateDrafts(EMPTY, id, { ...opts, provider });
    const previews = await previewEmails(EMPTY, id, { step: 0, variant: "A" }, opts);
    expect(previews.map((p) => p.label)).toEqual(["Sample recipient (the shop has no customers yet)"]);
    expect(previews[0]!.problems).toEqual([]);
    expect(previews[0]!.text).toContain("Hi Alex,");
  });

  it("refuses bad requests, and a shop without a postal address cannot render (the footer needs one)", async () => {
    for (const request of [{ step: 9, variant: "A" }, { step: 0, variant: "Z" }, { step: 0, variant: "A", recipients: 0 }, { step: 0, variant: "A", recipients: 11 }]) {
      await expect(previewEmails(SHOP, winBack, request, opts)).rejects.toMatchObject({ code: "invalid-input" });
    }
    await seedShop(NO_ADDRESS, 2, { address: null });
    const { id } = await createCampaign(NO_ADDRESS, { objective: "win-back" }, { queue: null });
    await generateDrafts(NO_ADDRESS, id, { ...opts, provider });
    const error = await previewEmails(NO_ADDRESS, id, { step: 0, variant: "A" }, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CampaignError);
    expect(error).toMatchObject({ code: "cannot-render", problems: ["brand: postalAddress: the shop's postal address is required for the legal footer (settings)"] });
  });
});
