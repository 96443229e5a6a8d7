import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, Card, EmptyState, IndexTable, Link, Page, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { loadCustomerPage } from "./customers.server";

// Keeps Shopify's auth headers (e.g. X-Shopify-Retry-Invalid-Session-Request) on
// this route's own responses: with single fetch a client navigation may run this
// loader alone.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Customers · Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const after = new URL(request.url).searchParams.get("after");
  return loadCustomerPage(shop.id, after && /^\d{1,20}$/.test(after) ? after : null);
};

const CONSENT_TONE: Record<string, "success" | "warning" | "critical" | undefined> = {
  SUBSCRIBED: "success",
  PENDING: "warning",
  UNSUBSCRIBED: "critical",
};

export default function Customers() {
  const { rows, next } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  return (
    <Page title="Customers" backAction={{ content: "Home", url: "/app" }}>
      <Card padding="0">
        {rows.length === 0 ? (
          <EmptyState heading="No customers yet" image="">
            <p>Customers appear here as Shopify sends them, and after the store history import.</p>
          </EmptyState>
        ) : (
          <IndexTable
            resourceName={{ singular: "customer", plural: "customers" }}
            itemCount={rows.length}
            selectable={false}
            headings={[{ title: "Name" }, { title: "Email" }, { title: "Email marketing" }, { title: "Orders", alignment: "end" }]}
            pagination={{ hasNext: next !== null, onNext: () => navigate(`/app/customers?after=${next}`) }}
          >
            {rows.map((c, index) => (
              <IndexTable.Row id={c.id} key={c.id} position={index}>
                <IndexTable.Cell>
                  {/* dataPrimaryLink makes the whole row open the profile. */}
                  <Link dataPrimaryLink monochrome removeUnderline url={`/app/customers/${c.id}`}>
                    <Text as="span" fontWeight="semibold">
                      {c.name}
                    </Text>
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{c.email ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={CONSENT_TONE[c.consent]}>{c.consent.toLowerCase().replace(/_/g, " ")}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {c.orders}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </Page>
  );
}
