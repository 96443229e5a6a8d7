// Shared set-up for the backfill tests: a fake Shopify with a sample store per
// shop, and an Admin client that reaches it over real HTTP.
import { fetchAdminClient, type AdminGraphqlClient } from "~/core/backfill/admin-client.server";
import { API_VERSION } from "~/core/shopify-api-version";
import prisma from "~/db.server";
import type { FakeShopify, FakeStore } from "../../fakes/shopify-admin";

export function adminFor(fake: FakeShopify, shop: string): AdminGraphqlClient {
  const token = fake.issueAccessToken(shop);
  return fetchAdminClient(`${fake.origin}/admin/api/${API_VERSION}/graphql.json`, token, { "x-forwarded-host": shop });
}

export async function installShop(shop: string) {
  await prisma.shop.create({ data: { id: shop, status: "installed" } });
}

const YEAR_MS = 365 * 86_400_000;

export function expected(store: FakeStore, now = new Date()) {
  const since = now.getTime() - YEAR_MS;
  return {
    products: store.products.filter((p) => (p.status ?? "active") === "active").length,
    customers: store.customers.length,
    orders: store.orders.filter((o) => Date.parse(o.created_at) >= since).length,
  };
}

export async function stored(shop: string) {
  return {
    products: await prisma.product.count({ where: { shopId: shop } }),
    customers: await prisma.customer.count({ where: { shopId: shop } }),
    orders: await prisma.order.count({ where: { shopId: shop } }),
  };
}
