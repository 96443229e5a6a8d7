import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, EmptyState, IndexTable, Layout, Link, Page, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { formatCount } from "../../components/format";
import { Sparkline } from "../../components/audience/Sparkline";
import { loadPredictionNotice, loadSegmentList, TREND_DAYS, type SegmentRow } from "./segments.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Segments · Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const [segments, predictions] = await Promise.all([loadSegmentList(shop.id), loadPredictionNotice(shop.id)]);
  return { segments, predictions, trendDays: TREND_DAYS };
};

export default function Segments() {
  const { segments, predictions, trendDays } = useLoaderData<typeof loader>();
  const builtin = segments.filter((s) => s.kind === "builtin");
  const custom = segments.filter((s) => s.kind === "custom");
  return (
    <Page title="Segments" backAction={{ content: "Home", url: "/app" }} primaryAction={{ content: "Create segment", url: "/app/segments/new" }}>
      <Layout>
        {predictions.kind === "unavailable" ? (
          <Layout.Section>
            <Banner tone="info" title="Predictions are not available yet">
              <p data-predictions-reason="">{predictions.reason}</p>
              <p>Until then, at-risk and high-value segments use rules on order history, and conditions on churn risk, probability active or predicted value match no one.</p>
            </Banner>
          </Layout.Section>
        ) : predictions.kind === "no-lifetime-value" ? (
          <Layout.Section>
            <Banner tone="info" title="Predicted lifetime value is not available yet">
              <p data-predictions-reason="">{predictions.reason}</p>
              <p>Churn risk and expected orders are available; conditions on predicted value match no one until then.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card padding="0">
              <SectionHeading title="Lifecycle segments" hint="Built in, kept current as orders arrive; thresholds follow this shop's own customers." />
              {builtin.length === 0 ? (
                <Box paddingInline="400" paddingBlockEnd="400">
                  <Text as="p" tone="subdued">
                    The lifecycle segments appear once customer profiles have been computed (after the store history import).
                  </Text>
                </Box>
              ) : (
                <SegmentTable rows={builtin} trendDays={trendDays} />
              )}
            </Card>
            <Card padding="0">
              <SectionHeading title="Your segments" />
              {custom.length === 0 ? (
                <EmptyState heading="No segments of your own yet" image="" action={{ content: "Create segment", url: "/app/segments/new" }}>
                  <p>Build one from rules, or describe the customers in words.</p>
                </EmptyState>
              ) : (
                <SegmentTable rows={custom} trendDays={trendDays} />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function SectionHeading({ title, hint }: { title: string; hint?: string }) {
  return (
    <Box paddingInline="400" paddingBlockStart="400" paddingBlockEnd="200">
      <BlockStack gap="100">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {hint ? (
          <Text as="p" tone="subdued" variant="bodySm">
            {hint}
          </Text>
        ) : null}
      </BlockStack>
    </Box>
  );
}

function SegmentTable({ rows, trendDays }: { rows: SegmentRow[]; trendDays: number }) {
  return (
    <IndexTable
      resourceName={{ singular: "segment", plural: "segments" }}
      itemCount={rows.length}
      selectable={false}
      headings={[{ title: "Segment" }, { title: "Customers", alignment: "end" }, { title: `Last ${trendDays} days` }, { title: "Definition" }]}
    >
      {rows.map((s, index) => (
        <IndexTable.Row id={s.id} key={s.id} position={index}>
          <IndexTable.Cell>
            <span data-segment-row={s.id}>
              <Link dataPrimaryLink monochrome removeUnderline url={`/app/segments/${s.id}`}>
                <Text as="span" fontWeight="semibold">
                  {s.name}
                </Text>
              </Link>
            </span>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              <span data-segment-size={s.id}>{formatCount(s.size)}</span>
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Sparkline sizes={s.trend} period={`${trendDays} days`} />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <div style={{ whiteSpace: "normal", maxWidth: 420 }}>
              <Text as="span" tone="subdued">
                {s.description || (s.kind === "custom" ? <Badge>no description</Badge> : "")}
              </Text>
            </div>
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}
