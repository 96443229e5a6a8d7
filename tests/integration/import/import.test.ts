// Order-history import into a real database (this test file's own copy).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db.server";
import { importOrders } from "~/core/import/import.server";
import { ImportInputError, parseColumnSpec } from "~/core/import/order-rows";

const SHOP = "import-test.myshopify.com";
const FIXTURE = path.join(__dirname, "fixtures", "orders.csv");
const UCI_MONTH = path.resolve(__dirname, "../../../../shared/data/online_retail_uci/online_retail_cust3_2011-01.csv");
let db: Database;

beforeAll(async () => {
  db = openDatabase(process.env.DATABASE_URL);
  await db.shop.create({ data: { id: SHOP, currency: "GBP" } });
});
afterAll(() => db.$disconnect());

const fixtureColumns = parseColumnSpec("customer=Customer,date=Date,price=Unit Price,quantity=Qty,product=Product,order=Order,email=Email");

describe("importOrders", () => {
  it("writes customers, orders and line items with import: ids, and reports bad lines", async () => {
    const summary = await importOrders(db, { shop: SHOP, file: FIXTURE, columns: fixtureColumns, currency: "usd" });
    expect(summary).toMatchObject({ rows: 7, skippedRows: 1, orders: 4, customers: 3, lineItems: 5, errorCount: 1 });
    expect(summary.errors).toEqual([{ line: 7, message: expect.stringContaining("not a date") }]);
    const order = await db.order.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: SHOP, shopifyId: "import:1001" } }, include: { lineItems: { orderBy: { shopifyId: "asc" } }, customer: true } });
    expect(order).toMatchObject({ name: "1001", currency: "USD", totalPrice: 2 * 1250 + 800, shopifyCustomerId: "import:C1", sourceName: "import" });
    expect(order.customer?.email).toBe("ann@example.com");
    expect(order.lineItems.map((l) => [l.title, l.quantity, l.price])).toEqual([['Mug, "Large"', 2, 1250], ["Tea Towel", 1, 800]]);
    const big = await db.order.findFirstOrThrow({ where: { shopId: SHOP, shopifyId: "import:1002" } });
    expect(big.totalPrice).toBe(102_000);
    expect(big.shopifyCreatedAt.toISOString()).toBe("2025-01-07T09:30:00.000Z");
    const multiline = await db.lineItem.findFirstOrThrow({ where: { shopId: SHOP, shopifyId: "import:1006:1" } });
    expect(multiline.title).toBe("Notebook\nwith a line break");
  });

  it("is idempotent: importing the same file again changes no counts", async () => {
    const count = async () => [await db.customer.count({ where: { shopId: SHOP } }), await db.order.count({ where: { shopId: SHOP } }), await db.lineItem.count({ where: { shopId: SHOP } })];
    const before = await count();
    await importOrders(db, { shop: SHOP, file: FIXTURE, columns: fixtureColumns, currency: "USD" });
    expect(await count()).toEqual(before);
    expect(before).toEqual([3, 4, 5]);
  });

  it("refuses an unknown shop, a missing file, missing columns and too many errors", async () => {
    await expect(importOrders(db, { shop: "nobody.myshopify.com", file: FIXTURE, columns: fixtureColumns, currency: "USD" })).rejects.toThrow(/not in the database/);
    await expect(importOrders(db, { shop: SHOP, file: FIXTURE + ".missing", columns: fixtureColumns, currency: "USD" })).rejects.toThrow(/no such file/);
    await expect(importOrders(db, { shop: SHOP, file: FIXTURE, columns: parseColumnSpec("customer=Client,date=Date,amount=Total"), currency: "USD" })).rejects.toThrow(ImportInputError);
    await expect(importOrders(db, { shop: SHOP, file: FIXTURE, columns: fixtureColumns, currency: "USD", maxErrors: 0 })).rejects.toThrow(/more than 0 bad rows/);
  });

  it.skipIf(!fs.existsSync(UCI_MONTH))("imports one month of the UCI Online Retail data (skipped when ../shared/data is absent)", async () => {
    const columns = parseColumnSpec("customer=CustomerID,date=InvoiceDate,price=UnitPrice,quantity=Quantity,product=Description,order=InvoiceNo");
    const summary = await importOrders(db, { shop: SHOP, file: UCI_MONTH, columns, currency: "GBP" });
    expect(summary.errorCount).toBe(0);
    expect(summary.rows).toBe(7519);
    expect(summary.skippedRows).toBeGreaterThan(0); // cancellations (C… invoices, negative quantities)
    expect(summary.orders).toBeGreaterThan(300);
    const sample = await db.order.findFirstOrThrow({ where: { shopId: SHOP, shopifyId: "import:540002" }, include: { lineItems: true } });
    expect(sample.shopifyCustomerId).toBe("import:16656");
    expect(sample.currency).toBe("GBP");
    expect(sample.lineItems.length).toBeGreaterThan(3);
    expect(sample.totalPrice).toBe(sample.lineItems.reduce((s, l) => s + l.price * l.quantity, 0));
  });
});

if (!fs.existsSync(UCI_MONTH)) console.warn(`skipping the UCI import test: ${UCI_MONTH} is absent`);
