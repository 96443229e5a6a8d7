import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { StatCard } from "../../components/StatCard";
import { formatCount, formatMoney } from "../../components/format";
import { RevenueSection } from "../../components/reports/RevenueSection";
import { loadDashboard } from "../../core/reports/dashboard.server";
import { parsePeriod } from "../../core/reports/dashboard";
import { loadHomeCounts } from "./home.server";
import { installIssueMessages, loadBackfill, type BackfillView } from "./backfill.server";

// Keeps Shopify's auth headers (e.g. X-Shopify-Retry-Invalid-Session-Request) on
// this route's own responses: with single fetch a client navigation may run this
// loader alone.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const days = parsePeriod(new URL(request.url).searchParams.get("days"));
  const [counts, backfill, dashboard] = await Promise.all([loadHomeCounts(shop), loadBackfill(shop.id), loadDashboard(shop.id, { days })]);
  return {
    dashboard,
    shopName: shop.name ?? shop.id,
    counts,
    backfill,
    pixelActive: shop.webPixelId !== null,
    issues: installIssueMessages(shop.installIssues),
  };
};

export default function Home() {
  const { shopName, counts, backfill, pixelActive, issues, dashboard } = useLoaderData<typeof loader>();
  return (
    <Page title="Home" subtitle={shopName}>
      <Layout>
        {issues.length > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title="Part of the set-up will be retried">
              <ul>
                {issues.map((i) => (
                  <li key={i.step}>
                    {i.step === "pixel" ? "Web Pixel activation" : "Store history import"}: {i.message}
                  </li>
                ))}
              </ul>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <RevenueSection dashboard={dashboard} />
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            <StatCard id="customers" label="Customers" value={formatCount(counts.customers)} />
            <StatCard
              id="subscribed"
              label="Subscribed to email"
              value={formatCount(counts.subscribedCustomers)}
              hint="Shopify email marketing consent"
            />
            <StatCard id="orders" label="Orders" value={formatCount(counts.orders365)} hint="Last 365 days" />
            <StatCard
              id="revenue"
              label="Revenue"
              value={formatMoney(counts.revenue365, counts.currency)}
              hint="Last 365 days, from orders, net of refunds"
            />
            <StatCard id="products" label="Products" value={formatCount(counts.products)} />
            <StatCard id="checkouts" label="Abandoned checkouts" value={formatCount(counts.abandonedCheckouts)} hint="Not completed" />
            <StatCard id="browse-events" label="Browse events" value={formatCount(counts.browseEvents)} hint="From the Web Pixel" />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <BackfillCard backfill={backfill} />
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  Web Pixel
                </Text>
                {pixelActive ? <Badge tone="success">Active</Badge> : <Badge tone="attention">Not activated</Badge>}
              </InlineStack>
              <Text as="p" tone="subdued">
                {pixelActive
                  ? "Storefront browsing (product views, carts, checkouts) is being recorded."
                  : "The pixel is activated after install; until then no browsing is recorded."}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

const STATUS_TONE = { done: "success", running: "info", queued: "info", retrying: "warning", failed: "critical", cancelled: "warning" } as const;

function BackfillCard({ backfill }: { backfill: BackfillView | null }) {
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            Store history import
          </Text>
          {backfill ? (
            <Badge tone={STATUS_TONE[backfill.status as keyof typeof STATUS_TONE]}>{backfill.status}</Badge>
          ) : (
            <Badge>not started</Badge>
          )}
        </InlineStack>
        {backfill ? (
          <>
            <Text as="p" tone="subdued">
              {backfill.status === "done"
                ? "Imported the catalog, all customers and the last 365 days of orders."
                : `Importing ${backfill.phase}${backfill.percent !== null ? ` (${Math.round(backfill.percent)}%)` : ""}`}
            </Text>
            <Text as="p">
              <span data-backfill="counts">
                {formatCount(backfill.products)} products, {formatCount(backfill.customers)} customers,{" "}
                {formatCount(backfill.orders)} orders
              </span>
            </Text>
            {backfill.error ? (
              <Banner tone="critical" title="The import stopped">
                <p>{backfill.error}</p>
              </Banner>
            ) : null}
          </>
        ) : (
          <Text as="p" tone="subdued">
            The import of products, customers and orders starts when the app is installed.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
