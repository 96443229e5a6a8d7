// Compliance and lifecycle webhooks: customers/redact leaves no trace of the
// customer anywhere in the database (every text column of every table, and
// the SQLite file's bytes); shop/redact removes exactly one shop; uninstall
// works without a session and stops the shop's jobs.
import fs from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { queue } from "~/jobs/index.server";
import { browserEmailHash } from "~/core/ingest/privacy.server";
import { TEST_SHOP } from "../../setup/test-config";
import { fixture, send } from "./send";

// Fixtures are free-form JSON, edited per test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const OTHER_SHOP = "other-shop.myshopify.com";
const ADA = "ada.lovelace@example.com";
const BOB = "bob.keeper@example.com";
const isPostgres = (process.env.DATABASE_URL ?? "").startsWith("postgres");

/** Every row of every table, as text (one string per table). */
async function dumpAllTables(): Promise<Map<string, string>> {
  const tables = isPostgres
    ? await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
    : await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table'`);
  const out = new Map<string, string>();
  for (const { name } of tables) {
    const rows = isPostgres
      ? await prisma.$queryRawUnsafe<unknown[]>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`)
      : await prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`);
    out.set(name, JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v)).toLowerCase());
  }
  return out;
}

async function tablesMentioning(needle: string): Promise<string[]> {
  const dump = await dumpAllTables();
  return [...dump.entries()].filter(([, text]) => text.includes(needle.toLowerCase())).map(([name]) => name);
}

/** The SQLite database file (and WAL) bytes after a checkpoint, searched for `needle`. */
async function sqliteFileContains(needle: string): Promise<boolean> {
  await prisma.$queryRawUnsafe(`PRAGMA wal_checkpoint(TRUNCATE)`);
  const file = (process.env.DATABASE_URL ?? "").replace(/^file:/, "");
  const parts = [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f));
  return parts.some((bytes) => bytes.includes(Buffer.from(needle)) || bytes.toString("latin1").toLowerCase().includes(needle.toLowerCase()));
}

function order(id: number, over: Json = {}): Json {
  const base = fixture<Json>("orders-create");
  return { ...base, id, line_items: base.line_items.map((li: Json, i: number) => ({ ...li, id: Number(`${id}0${i}`) })), ...over };
}

async function seedShop(shop: string) {
  const cust = fixture<Json>("customers-create");
  const bob = { ...cust, id: 42, email: BOB, first_name: "Bob", last_name: "Keeper", phone: "+15550100", default_address: null };
  expect((await send({ shop, topic: "customers/create", body: cust })).status).toBe(200);
  expect((await send({ shop, topic: "customers/create", body: bob })).status).toBe(200);
  await send({ shop, topic: "orders/create", body: order(101) });
  await send({ shop, topic: "orders/create", body: order(102, { checkout_token: "tok-102" }) });
  // A guest order with Ada's email, named in orders_to_redact only.
  await send({ shop, topic: "orders/create", body: order(5890321432610, { customer: null }) });
  await send({ shop, topic: "orders/create", body: order(103, { email: BOB, contact_email: BOB, customer: { ...cust.customer, ...bob } }) });
  const co = fixture<Json>("checkouts-create");
  await send({ shop, topic: "checkouts/create", body: { ...co, abandoned_checkout_url: String(co.abandoned_checkout_url).replace(TEST_SHOP, shop) } });
  const ada = await prisma.customer.findFirstOrThrow({ where: { shopId: shop, shopifyId: "7301245190178" } });
  await prisma.browserIdentity.create({ data: { shopId: shop, browserId: "b-1", customerId: ada.id } });
  await prisma.browserIdentity.create({ data: { shopId: shop, browserId: "b-2", emailHash: browserEmailHash(shop, ADA) } });
  await prisma.browseEvent.create({ data: { shopId: shop, eventId: "e-1", browserId: "b-1", customerId: ada.id, type: "page_viewed", occurredAt: new Date() } });
  await prisma.browseEvent.create({ data: { shopId: shop, eventId: "e-2", browserId: "b-2", type: "checkout_started", occurredAt: new Date() } });
  await prisma.browseEvent.create({ data: { shopId: shop, eventId: "e-3", browserId: "b-9", type: "page_viewed", occurredAt: new Date() } });
  // Mail: a sent message (address and merged values with her name), a scheduled one, and a guest cart-recovery enrollment found by its checkout.
  const campaign = await prisma.campaign.create({ data: { shopId: shop, kind: "flow", flowType: "cart-recovery", objective: "cart-recovery", name: "Cart", plan: {} } });
  const checkout = await prisma.checkout.findFirstOrThrow({ where: { shopId: shop } });
  const guest = await prisma.enrollment.create({ data: { shopId: shop, campaignId: campaign.id, triggerKey: `checkout:${checkout.token}`, triggeredAt: new Date(), context: { email: ADA, checkoutToken: checkout.token } } });
  const values = Buffer.from(JSON.stringify({ first: "Ada", name: "Ada Lovelace", to: ADA }));
  await prisma.message.create({ data: { shopId: shop, campaignId: campaign.id, enrollmentId: guest.id, flowType: "cart-recovery", step: 0, key: `${guest.id}:0`, email: ADA, status: "sent", scheduledFor: new Date(), sentAt: new Date(), values } });
  await prisma.message.create({ data: { shopId: shop, campaignId: campaign.id, enrollmentId: guest.id, flowType: "cart-recovery", step: 1, key: `${guest.id}:1`, status: "scheduled", scheduledFor: new Date(Date.now() + 86_400_000) } });
  await prisma.message.create({ data: { shopId: shop, campaignId: campaign.id, customerId: ada.id, flowType: "cart-recovery", step: 0, key: `${ada.id}:x`, email: ADA, status: "queued", scheduledFor: new Date() } });
  await queue.enqueue("email.send", { to: ADA, flow: "winback" }, { shopId: shop });
  await queue.enqueue("email.send", { to: BOB, flow: "winback" }, { shopId: shop });
}

beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.session.deleteMany();
  await prisma.webhookReceipt.deleteMany();
  await prisma.shop.deleteMany();
  await prisma.redactedShop.deleteMany();
});

describe("customers/redact", () => {
  it("removes every trace of the customer's email, phone and name, and keeps anonymous revenue", async () => {
    await seedShop(TEST_SHOP);
    expect(await tablesMentioning(ADA)).toEqual(expect.arrayContaining(["Customer", "Order", "Checkout", "Job", "Message", "Enrollment"]));
    const revenueBefore = await prisma.order.aggregate({ _sum: { totalPrice: true }, _count: true });

    const res = await send({ topic: "customers/redact", body: fixture("customers-redact") });
    expect(res.status).toBe(200);

    for (const needle of [ADA, "+442079460000", "Lovelace", browserEmailHash(TEST_SHOP, ADA)]) {
      expect(await tablesMentioning(needle), needle).toEqual([]);
    }
    if (!isPostgres) {
      expect(await sqliteFileContains(ADA)).toBe(false);
      expect(await sqliteFileContains("Lovelace")).toBe(false);
      expect(await sqliteFileContains(BOB)).toBe(true); // the scan does find what is there
    }
    // Other people's data and the shop's revenue are untouched.
    expect(await tablesMentioning(BOB)).toEqual(expect.arrayContaining(["Customer", "Order", "Job"]));
    const revenueAfter = await prisma.order.aggregate({ _sum: { totalPrice: true }, _count: true });
    expect(revenueAfter).toEqual(revenueBefore);
    const ada = await prisma.customer.findFirstOrThrow({ where: { shopifyId: "7301245190178" } });
    expect(ada).toMatchObject({ email: null, emailConsentState: "REDACTED" });
    // Her browsing (linked by customer or by her checkout email's hash) is gone; a stranger's stays.
    expect((await prisma.browseEvent.findMany({ select: { browserId: true } })).map((e) => e.browserId)).toEqual(["b-9"]);
    // Her mail: nothing left to go, no address or merged values kept; what was sent still counts.
    const mail = await prisma.message.findMany({ where: { shopId: TEST_SHOP }, orderBy: { step: "asc" }, select: { status: true, email: true, values: true } });
    expect(mail.map((m) => m.status).sort()).toEqual(["cancelled", "cancelled", "sent"]);
    expect(mail.every((m) => m.email === null && m.values === null)).toBe(true);
    expect(await prisma.enrollment.findFirstOrThrow({ where: { shopId: TEST_SHOP } })).toMatchObject({ status: "exited", exitReason: "redacted", context: null });

    // A late redelivery of an order for the redacted customer stores no email.
    await send({ topic: "orders/updated", body: order(101, { updated_at: "2026-04-01T00:00:00Z" }) });
    // Nor does a late redelivery of her guest order (named in orders_to_redact), nor of her checkout.
    await send({ topic: "orders/updated", body: order(5890321432610, { customer: null, updated_at: "2026-04-02T00:00:00Z" }) });
    const co = fixture<Json>("checkouts-create");
    await send({ topic: "checkouts/update", body: { ...co, customer: null, updated_at: "2026-04-03T00:00:00Z" } });
    expect(await tablesMentioning(ADA)).toEqual([]);
  });

  it("matches the customer's email whatever its case or spacing", async () => {
    await send({ topic: "orders/create", body: order(201, { customer: null, email: " Ada.Lovelace@Example.COM ", contact_email: null }) });
    expect((await prisma.order.findFirstOrThrow({ where: { shopifyId: "201" } })).email).toBe(ADA);
    await send({ topic: "customers/redact", body: { ...fixture<Json>("customers-redact"), orders_to_redact: [] } });
    expect(await tablesMentioning(ADA)).toEqual([]);
  });

  it("works when the shop has no row and no session", async () => {
    const res = await send({ shop: "gone.myshopify.com", topic: "customers/redact", body: fixture("customers-redact") });
    expect(res.status).toBe(200);
    expect(await prisma.shop.count()).toBe(0);
  });
});

describe("shop/redact", () => {
  it("deletes everything of that shop and nothing of another", async () => {
    await seedShop(TEST_SHOP);
    await seedShop(OTHER_SHOP);
    for (const shop of [TEST_SHOP, OTHER_SHOP]) {
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_x" } });
    }
    const otherBefore = await dumpAllTables();
    const res = await send({ topic: "shop/redact", body: fixture("shop-redact") });
    expect(res.status).toBe(200);
    expect(await tablesMentioning(TEST_SHOP)).toEqual([]);
    const after = await dumpAllTables();
    for (const [table, text] of otherBefore) {
      if (text.includes(OTHER_SHOP)) expect(after.get(table), table).toContain(OTHER_SHOP);
    }
    expect(await prisma.order.count({ where: { shopId: OTHER_SHOP } })).toBe(4);
    expect(await prisma.session.count({ where: { shop: OTHER_SHOP } })).toBe(1);
    expect(await prisma.job.count({ where: { shopId: OTHER_SHOP } })).toBe(2);
  });

  it("a late webhook after shop/redact brings nothing back; a reinstall does", async () => {
    await send({ topic: "orders/create", body: order(1) });
    expect((await send({ topic: "shop/redact", body: fixture("shop-redact") })).status).toBe(200);
    expect((await send({ topic: "orders/updated", body: order(1, { updated_at: "2026-05-01T00:00:00Z" }) })).status).toBe(200);
    expect((await send({ topic: "customers/create", body: fixture("customers-create") })).status).toBe(200);
    expect(await prisma.shop.count({ where: { id: TEST_SHOP } })).toBe(0);
    // Only the late deliveries' own receipts name the shop, each recorded as ignored.
    expect(await tablesMentioning(TEST_SHOP)).toEqual(["WebhookReceipt"]);
    expect((await prisma.webhookReceipt.findMany({ where: { shopDomain: TEST_SHOP } })).map((r) => r.outcome)).toEqual(["ignored", "ignored"]);
    expect(await tablesMentioning(ADA)).toEqual([]);

    const { onInstalled } = await import("~/core/install/install.server");
    await onInstalled({ shop: TEST_SHOP, scopes: "read_orders", admin: { graphql: async () => new Response("{}", { status: 500 }) } as never });
    expect((await send({ topic: "orders/create", body: order(2) })).status).toBe(200);
    expect(await prisma.order.count({ where: { shopId: TEST_SHOP } })).toBe(1);
  });
});

describe("a shop Loopwise has not installed", () => {
  it("is recorded as pending by its first webhook, so the pixel and admin refuse it until install", async () => {
    await send({ topic: "orders/create", body: order(1) });
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: TEST_SHOP } })).status).toBe("pending");
  });
});

describe("app lifecycle", () => {
  it("app/uninstalled without a session marks the shop, cancels its jobs, spares other shops", async () => {
    await send({ topic: "orders/create", body: order(1) });
    await send({ shop: OTHER_SHOP, topic: "orders/create", body: order(2) });
    await queue.enqueue("backfill", { page: 1 }, { shopId: TEST_SHOP });
    await queue.enqueue("email.send", { n: 1 }, { shopId: TEST_SHOP, runAt: new Date(Date.now() + 3600_000) });
    await queue.enqueue("backfill", { page: 1 }, { shopId: OTHER_SHOP });
    expect(await prisma.session.count()).toBe(0);

    const res = await send({ topic: "app/uninstalled", body: fixture("app-uninstalled") });
    expect(res.status).toBe(200);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: TEST_SHOP } });
    expect(shop.status).toBe("uninstalled");
    expect(shop.uninstalledAt).not.toBeNull();
    expect(await prisma.job.count({ where: { shopId: TEST_SHOP, status: { not: "cancelled" } } })).toBe(0);
    expect(await prisma.job.count({ where: { shopId: OTHER_SHOP, status: "queued" } })).toBe(1);
    // Data stays until shop/redact.
    expect(await prisma.order.count({ where: { shopId: TEST_SHOP } })).toBe(1);
  });

  it("a repeated app/uninstalled (after a reinstall) cancels nothing", async () => {
    expect((await send({ topic: "app/uninstalled", body: fixture("app-uninstalled"), eventId: "uninstall-1" })).status).toBe(200);
    await queue.enqueue("backfill", { page: 1 }, { shopId: TEST_SHOP });
    expect((await send({ topic: "app/uninstalled", body: fixture("app-uninstalled"), eventId: "uninstall-1" })).status).toBe(200);
    expect(await prisma.job.count({ where: { shopId: TEST_SHOP, status: "queued" } })).toBe(1);
  });

  it("app/uninstalled deletes the shop's sessions, and works with no Shop row at all", async () => {
    await prisma.session.create({ data: { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", accessToken: "shpat_x" } });
    await prisma.session.create({ data: { id: `offline_${OTHER_SHOP}`, shop: OTHER_SHOP, state: "", accessToken: "shpat_y" } });
    expect((await send({ topic: "app/uninstalled", body: fixture("app-uninstalled") })).status).toBe(200);
    expect(await prisma.session.findMany({ select: { shop: true } })).toEqual([{ shop: OTHER_SHOP }]);
  });

  it("app/scopes_update records the granted scopes on the shop and its sessions", async () => {
    await prisma.shop.create({ data: { id: TEST_SHOP, scopes: "read_orders" } });
    await prisma.session.create({ data: { id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "", accessToken: "shpat_x", scope: "read_orders" } });
    expect((await send({ topic: "app/scopes_update", body: fixture("app-scopes-update") })).status).toBe(200);
    const expected = "read_orders,read_all_orders,read_customers,write_customers,read_products";
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: TEST_SHOP } })).scopes).toBe(expected);
    expect((await prisma.session.findFirstOrThrow()).scope).toBe(expected);
  });

  it("customers/data_request is acknowledged and recorded without personal data", async () => {
    expect((await send({ topic: "customers/data_request", body: fixture("customers-data-request"), eventId: "dr-1" })).status).toBe(200);
    const receipt = await prisma.webhookReceipt.findFirstOrThrow({ where: { eventId: "dr-1" } });
    expect(receipt).toMatchObject({ topic: "customers/data_request", outcome: "processed" });
    expect(await tablesMentioning(ADA)).toEqual([]);
  });

  it("refuses a topic the route does not serve (recorded as ignored, nothing applied)", async () => {
    const res = await send({ topic: "orders/create", body: order(9) }, undefined);
    expect(res.status).toBe(200);
    const req = (await import("./send")).signedRequest({ topic: "orders/create", body: order(10), eventId: "wrong-route" });
    const { action } = await import("~/routes/webhooks.products");
    const wrong = await action({ request: req, params: {}, context: {} });
    expect(wrong.status).toBe(200);
    expect((await prisma.webhookReceipt.findFirstOrThrow({ where: { eventId: "wrong-route" } })).outcome).toBe("ignored");
    expect(await prisma.order.count({ where: { shopifyId: "10" } })).toBe(0);
  });
});
