import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DescriptionList, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { requireShop } from "../../core/shopify/require-shop.server";
import { ANNUAL_DISCOUNT_RATE } from "../../core/audience/clv/gamma-gamma";
import { StatCard } from "../../components/StatCard";
import { formatCount, formatMoney } from "../../components/format";
import { formatDate, formatExpected, formatPercent } from "../../components/audience/format";
import { loadCustomerProfile, type ChurnBand } from "./customer.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Customer · Loopwise" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const customer = await loadCustomerProfile(shop, params.id ?? "");
  return { customer, timeZone: shop.timezone, discountRate: ANNUAL_DISCOUNT_RATE };
};

const CHURN_TONE: Record<ChurnBand, "success" | "attention" | "critical"> = { low: "success", medium: "attention", high: "critical" };

/** A description wrapped with a stable hook for tests. */
const fact = (id: string, value: ReactNode) => <span data-fact={id}>{value}</span>;

export default function CustomerProfile() {
  const { customer: c, timeZone, discountRate } = useLoaderData<typeof loader>();
  const money = (minor: number) => formatMoney(minor, c.currency);
  const p = c.profile;
  const pred = c.predictions;
  return (
    <Page title={c.name} subtitle={c.email ?? undefined} backAction={{ content: "Customers", url: "/app/customers" }}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            {/* Without a profile the figures are unknown, not zero. */}
            <StatCard id="orders" label="Orders" value={p ? formatCount(p.orderCount) : "—"} hint={p?.refundCount ? `${p.refundCount} refunded` : undefined} />
            <StatCard id="spent" label="Total spent" value={p ? money(p.totalSpent) : "—"} hint="Net of refunds" />
            <StatCard id="aov" label="Average order value" value={p ? money(p.averageOrderValue) : "—"} />
            <StatCard
              id="last-order"
              label="Last order"
              value={formatDate(p?.lastOrderAt ?? null, timeZone)}
              hint={p?.firstOrderAt ? `First: ${formatDate(p.firstOrderAt, timeZone)}` : undefined}
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Scores and stage
              </Text>
              {p ? (
                <DescriptionList
                  items={[
                    {
                      term: "Lifecycle stage",
                      description: fact(
                        "stage",
                        p.lifecycleStage ? (
                          p.lifecycleStage.segmentId ? (
                            <Link url={`/app/segments/${p.lifecycleStage.segmentId}`}>{p.lifecycleStage.name}</Link>
                          ) : (
                            p.lifecycleStage.name
                          )
                        ) : (
                          "none"
                        ),
                      ),
                    },
                    {
                      term: "RFM (recency, frequency, monetary; 1–5)",
                      description: fact("rfm", p.rfm ? `${p.rfm.recency} · ${p.rfm.frequency} · ${p.rfm.monetary}` : "not scored yet"),
                    },
                    {
                      term: "Usual gap between orders",
                      description: fact("gap", p.avgDaysBetweenOrders === null ? "—" : `${Math.round(p.avgDaysBetweenOrders)} days`),
                    },
                    { term: "Email marketing", description: fact("consent", c.consent.toLowerCase().replace(/_/g, " ")) },
                    { term: "Tags", description: fact("tags", c.tags.length > 0 ? c.tags.join(", ") : "—") },
                    { term: "Profile updated", description: formatDate(p.computedAt, timeZone, true) },
                  ]}
                />
              ) : (
                <Text as="p" tone="subdued">
                  No profile yet: it is computed from the customer&apos;s orders after the store history import.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Predictions
              </Text>
              {pred === null ? (
                <Text as="p" fontWeight="semibold">
                  Predictions not available yet
                </Text>
              ) : null}
              {pred ? (
                <DescriptionList
                  items={[
                    {
                      term: "Predicted value, next 12 months",
                      description: fact("clv", pred.predictedClv12m === null ? "—" : money(pred.predictedClv12m)),
                    },
                    {
                      term: "Churn risk",
                      description: fact(
                        "churn",
                        pred.churnRisk ? <Badge tone={CHURN_TONE[pred.churnRisk]}>{pred.churnRisk}</Badge> : "—",
                      ),
                    },
                    { term: "Probability still active", description: fact("p-alive", formatPercent(pred.pAlive)) },
                    {
                      term: "Expected orders (30 / 90 / 365 days)",
                      description: fact(
                        "expected",
                        [pred.expectedOrders30, pred.expectedOrders90, pred.expectedOrders365].map((x) => (x === null ? "—" : formatExpected(x))).join(" / "),
                      ),
                    },
                    {
                      term: "Expected next order",
                      description: fact("next-order", pred.nextOrderAt ? formatDate(pred.nextOrderAt, timeZone) : "not within two years"),
                    },
                  ]}
                />
              ) : (
                <Text as="p">
                  <span data-predictions-reason="">{c.predictionsReason}</span>
                </Text>
              )}
              <Text as="p" variant="bodySm" tone="subdued">
                From the shop&apos;s purchase model (BG/NBD for orders, Gamma-Gamma for spend); value discounted at{" "}
                {Math.round(discountRate * 100)}% a year.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Segments
              </Text>
              {c.segments.length === 0 ? (
                <Text as="p" tone="subdued">
                  In no segment.
                </Text>
              ) : (
                <InlineStack gap="200" wrap>
                  {c.segments.map((s) => (
                    <span key={s.id} data-segment-member={s.id}>
                      <Link url={`/app/segments/${s.id}`}>{s.name}</Link>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {" "}
                        since {formatDate(s.enteredAt, timeZone)}
                      </Text>
                    </span>
                  ))}
                </InlineStack>
              )}
              {c.history.length > 0 ? (
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm">
                    Recent changes
                  </Text>
                  {c.history.map((h, i) => (
                    <Text as="p" key={`${h.segmentId}-${h.at}-${i}`}>
                      {formatDate(h.at, timeZone, true)}: {h.kind} <Link url={`/app/segments/${h.segmentId}`}>{h.segmentName}</Link>
                    </Text>
                  ))}
                </BlockStack>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
