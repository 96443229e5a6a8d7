// One page of the shop's customers (by Shopify id, descending), keyset-paginated on the
// (shopId, shopifyId) unique index: no OFFSET scans, no loading every row.
import prisma from "../../db.server";

export const PAGE_SIZE = 50;

export interface CustomerRow {
  id: string;
  name: string;
  email: string | null;
  consent: string;
  orders: number;
  since: string | null;
}

export async function loadCustomerPage(shopId: string, after: string | null): Promise<{ rows: CustomerRow[]; next: string | null }> {
  const found = await prisma.customer.findMany({
    where: { shopId, deletedAt: null, redactedAt: null, ...(after ? { shopifyId: { lt: after } } : {}) },
    orderBy: { shopifyId: "desc" },
    take: PAGE_SIZE + 1,
    select: {
      id: true,
      shopifyId: true,
      firstName: true,
      lastName: true,
      email: true,
      emailConsentState: true,
      shopifyCreatedAt: true,
      _count: { select: { orders: true } },
    },
  });
  const page = found.slice(0, PAGE_SIZE);
  return {
    rows: page.map((c) => ({
      id: c.id,
      name: [c.firstName, c.lastName].filter(Boolean).join(" ") || "(no name)",
      email: c.email,
      consent: c.emailConsentState,
      orders: c._count.orders,
      since: c.shopifyCreatedAt?.toISOString() ?? null,
    })),
    next: found.length > PAGE_SIZE ? (page[page.length - 1]?.shopifyId ?? null) : null,
  };
}
