// Imports an order-history CSV for a shop: Customers, Orders and LineItems
// with synthetic Shopify ids prefixed "import:". Re-importing the same file is
// a no-op in effect (rows are upserted by those ids and line items replaced).
import fs from "node:fs";
import type { Database } from "../../db.server";
import { readCsv } from "./csv";
import { ImportInputError, OrderRows, type ImportedOrder, type LineError, type RowOptions } from "./order-rows";

export const IMPORT_PREFIX = "import:";

export interface ImportOrdersOptions extends RowOptions {
  shop: string;
  file: string;
  delimiter?: string;
  /** Orders per database transaction. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary {
  shop: string;
  rows: number;
  skippedRows: number;
  orders: number;
  customers: number;
  lineItems: number;
  errors: LineError[];
  errorCount: number;
  seconds: number;
}

/** Streams the file through the parser; throws ImportInputError past the error cap. */
export async function parseOrderFile(options: Omit<ImportOrdersOptions, "shop">) {
  if (!fs.existsSync(options.file)) throw new ImportInputError(`no such file: ${options.file}`);
  const rows = new OrderRows(options);
  for await (const record of readCsv(fs.createReadStream(options.file), options.delimiter)) {
    rows.add(record);
    if (rows.tooManyErrors) {
      const shown = rows.result().errors.slice(0, 10).map((e) => `  line ${e.line}: ${e.message}`);
      throw new ImportInputError(`more than ${rows.maxErrors} bad rows; stopped at line ${record.line}. First errors:\n${shown.join("\n")}`);
    }
  }
  return rows.result();
}

export async function importOrders(db: Database, options: ImportOrdersOptions): Promise<ImportSummary> {
  const started = performance.now();
  const shop = await db.shop.findUnique({ where: { id: options.shop } });
  if (!shop) throw new ImportInputError(`shop ${options.shop} is not in the database (install Loopwise on it first)`);
  const parsed = await parseOrderFile(options);
  const currency = options.currency.toUpperCase();

  const customerIds = new Map<string, string>();
  const customers = new Map<string, string | null>();
  for (const o of parsed.orders) if (!customers.has(o.customerKey) || (o.email && !customers.get(o.customerKey))) customers.set(o.customerKey, o.email);
  const firstOrder = new Map<string, number>();
  for (const o of parsed.orders) firstOrder.set(o.customerKey, Math.min(firstOrder.get(o.customerKey) ?? Infinity, o.placedAt));

  for (const chunk of chunks([...customers.entries()], 200)) {
    await db.$transaction(async (tx) => {
      for (const [key, email] of chunk) {
        const shopifyId = IMPORT_PREFIX + key;
        const since = new Date(firstOrder.get(key)!);
        const row = await tx.customer.upsert({
          where: { shopId_shopifyId: { shopId: shop.id, shopifyId } },
          create: { shopId: shop.id, shopifyId, email, shopifyCreatedAt: since, shopifyUpdatedAt: since },
          update: email ? { email } : {},
          select: { id: true },
        });
        customerIds.set(key, row.id);
      }
    });
  }

  let done = 0;
  let lineItems = 0;
  const batch = options.batchSize ?? 100;
  for (const chunk of chunks(parsed.orders, batch)) {
    await db.$transaction(async (tx) => {
      for (const order of chunk) lineItems += await writeOrder(tx as unknown as Database, shop.id, currency, order, customerIds.get(order.customerKey)!);
    });
    done += chunk.length;
    options.onProgress?.(done, parsed.orders.length);
  }
  return {
    shop: shop.id,
    rows: parsed.rows,
    skippedRows: parsed.skippedRows,
    orders: parsed.orders.length,
    customers: customers.size,
    lineItems,
    errors: parsed.errors,
    errorCount: parsed.errorCount,
    seconds: (performance.now() - started) / 1000,
  };
}

async function writeOrder(tx: Database, shopId: string, currency: string, order: ImportedOrder, customerId: string): Promise<number> {
  const shopifyId = IMPORT_PREFIX + order.key;
  const placedAt = new Date(order.placedAt);
  const fields = {
    name: order.key,
    customerId,
    shopifyCustomerId: IMPORT_PREFIX + order.customerKey,
    email: order.email,
    currency,
    totalPrice: order.total,
    subtotalPrice: order.total,
    sourceName: "import",
    financialStatus: "paid",
    processedAt: placedAt,
    shopifyCreatedAt: placedAt,
    shopifyUpdatedAt: placedAt,
  };
  const row = await tx.order.upsert({
    where: { shopId_shopifyId: { shopId, shopifyId } },
    create: { shopId, shopifyId, ...fields },
    update: fields,
    select: { id: true },
  });
  await tx.lineItem.deleteMany({ where: { orderId: row.id } });
  await tx.lineItem.createMany({
    data: order.lines.map((line, i) => ({
      shopId,
      orderId: row.id,
      shopifyId: `${shopifyId}:${i + 1}`,
      title: line.product,
      quantity: line.quantity,
      price: Math.round(line.amount / line.quantity),
    })),
  });
  return order.lines.length;
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
