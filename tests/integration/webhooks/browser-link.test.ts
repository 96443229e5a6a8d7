// The pixel and the webhooks meet here: a guest who gave their email at checkout
// becomes a customer later, and their earlier browsing becomes theirs.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as pixel } from "~/routes/pixel.events";
import { TEST_SHOP } from "../../setup/test-config";
import { pixelRequest } from "../pixel/helpers";
import { fixture, send } from "./send";

const EMAIL = "ada.lovelace@example.com";

function event(id: string, name: string, data: Record<string, unknown>) {
  return {
    id, name, timestamp: new Date().toISOString(), clientId: "browser-ada",
    context: { document: { location: { href: `https://${TEST_SHOP}/products/hat` } } }, data,
  };
}

beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.webhookReceipt.deleteMany();
  await prisma.shop.deleteMany();
});

describe("customers/create links browsers that checked out with that email", () => {
  it("attaches the guest's earlier browsing to the new customer", async () => {
    await prisma.shop.create({ data: { id: TEST_SHOP } });
    const batch = {
      shop: TEST_SHOP,
      events: [
        event("e1", "product_viewed", { productVariant: { id: "gid://shopify/ProductVariant/11", product: { id: "gid://shopify/Product/22" } } }),
        event("e2", "checkout_started", { checkout: { token: "tok-1", email: EMAIL } }),
      ],
    };
    const res = await pixel({ request: pixelRequest(batch), params: {}, context: {} });
    expect(res.status).toBe(200);
    expect(await prisma.browseEvent.count({ where: { shopId: TEST_SHOP, customerId: { not: null } } })).toBe(0);

    expect((await send({ topic: "customers/create", body: fixture("customers-create") })).status).toBe(200);

    const ada = await prisma.customer.findFirstOrThrow({ where: { shopId: TEST_SHOP, email: EMAIL } });
    const events = await prisma.browseEvent.findMany({ where: { shopId: TEST_SHOP }, select: { customerId: true } });
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.customerId === ada.id)).toBe(true);
    const identity = await prisma.browserIdentity.findFirstOrThrow({ where: { shopId: TEST_SHOP, browserId: "browser-ada" } });
    expect(identity).toMatchObject({ customerId: ada.id, emailHash: null });
  });

  it("customers/delete erases the customer's browsing, browser links and queued jobs", async () => {
    await prisma.shop.create({ data: { id: TEST_SHOP } });
    expect((await send({ topic: "customers/create", body: fixture("customers-create") })).status).toBe(200);
    const batch = { shop: TEST_SHOP, identity: { customerId: "7301245190178" }, events: [event("e9", "page_viewed", {})] };
    expect((await pixel({ request: pixelRequest(batch), params: {}, context: {} })).status).toBe(200);
    const { queue } = await import("~/jobs/index.server");
    await queue.enqueue("email.send", { to: EMAIL }, { shopId: TEST_SHOP });
    expect(await prisma.browseEvent.count({ where: { customerId: { not: null } } })).toBe(1);

    expect((await send({ topic: "customers/delete", body: { id: 7301245190178 } })).status).toBe(200);
    expect(await prisma.browseEvent.count()).toBe(0);
    expect(await prisma.browserIdentity.count()).toBe(0);
    expect(await prisma.job.count({ where: { shopId: TEST_SHOP } })).toBe(0);
  });
});
