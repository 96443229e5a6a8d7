import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import prisma from "../db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shopId = session.shop;
  const [customers, orders, products] = await Promise.all([
    prisma.customer.count({ where: { shopId } }),
    prisma.order.count({ where: { shopId } }),
    prisma.product.count({ where: { shopId } }),
  ]);
  return { shop: shopId, customers, orders, products };
};

export default function Home() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page title="Loopwise">
      <Card>
        <Text as="p">
          {data.customers} customers, {data.orders} orders, {data.products} products
        </Text>
      </Card>
    </Page>
  );
}
