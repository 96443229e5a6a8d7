// Attributed orders as a CSV stream (issue 6, part 4): all of a shop's, one
// campaign's, or those placed in a period. Read in keyset pages of
// (orderCreatedAt, id) on Attribution's (shopId, orderCreatedAt) index; each
// page becomes one chunk of the response, so a year of a large store is never
// one string in memory.
import prisma, { type Database } from "../../db.server";
import { exportLine, HEADER_LINE, type ExportRow } from "./export";

export interface ExportScope {
  campaignId?: string | null;
  /** Orders placed at or after. */
  from?: Date | null;
  /** Orders placed before. */
  to?: Date | null;
}

export interface ExportOptions {
  db?: Database;
  pageSize?: number;
}

/** UTF-8's byte order mark: Excel reads the file as UTF-8 only with it. */
const BOM = "\uFEFF";

type Cursor = { at: Date; id: string } | null;

/** One page of lines after `cursor`, and the cursor after it (null when the export is complete). */
export async function exportPage(shopId: string, scope: ExportScope, cursor: Cursor, options: ExportOptions = {}): Promise<{ text: string; next: Cursor }> {
  const db = options.db ?? prisma;
  const take = options.pageSize ?? 1000;
  const placed = { ...(scope.from ? { gte: scope.from } : {}), ...(scope.to ? { lt: scope.to } : {}) };
  const after = cursor ? { OR: [{ orderCreatedAt: { gt: cursor.at } }, { orderCreatedAt: cursor.at, id: { gt: cursor.id } }] } : {};
  const page = await db.attribution.findMany({
    where: { shopId, ...(scope.campaignId ? { campaignId: scope.campaignId } : {}), ...(scope.from || scope.to ? { orderCreatedAt: placed } : {}), ...after },
    orderBy: [{ orderCreatedAt: "asc" }, { id: "asc" }],
    take,
  });
  if (page.length === 0) return { text: "", next: null };

  const [orders, campaigns] = await Promise.all([
    db.order.findMany({
      where: { shopId, id: { in: page.map((a) => a.orderId) } },
      select: { id: true, name: true, shopifyId: true, email: true, refundedAmount: true, customer: { select: { email: true } } },
    }),
    db.campaign.findMany({ where: { shopId, id: { in: [...new Set(page.map((a) => a.campaignId))] } }, select: { id: true, name: true } }),
  ]);
  const orderById = new Map(orders.map((o) => [o.id, o]));
  const nameById = new Map(campaigns.map((c) => [c.id, c.name]));

  let text = "";
  for (const a of page) {
    const o = orderById.get(a.orderId);
    const row: ExportRow = {
      orderName: o?.name ?? "",
      orderId: o?.shopifyId ?? a.orderId,
      placedAt: a.orderCreatedAt,
      email: o?.email ?? o?.customer?.email ?? null,
      revenue: a.revenue,
      currency: a.currency,
      refunded: (o?.refundedAmount ?? 0) > 0,
      cancelled: a.cancelled,
      flowType: a.flowType,
      campaignName: nameById.get(a.campaignId) ?? "Deleted campaign",
      step: a.step,
      variant: a.variant,
      rule: a.rule,
      messageId: a.messageId,
      touchedAt: a.touchedAt,
    };
    text += exportLine(row);
  }
  const last = page[page.length - 1]!;
  return { text, next: page.length < take ? null : { at: last.orderCreatedAt, id: last.id } };
}

/** The whole export as a byte stream: the header, then one chunk per page, read as the client takes them. */
export function attributedOrdersCsv(shopId: string, scope: ExportScope = {}, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor = null;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(BOM + HEADER_LINE));
      }
      const { text, next } = await exportPage(shopId, scope, cursor, options);
      if (text) controller.enqueue(encoder.encode(text));
      if (next) cursor = next;
      else controller.close();
    },
  });
}
