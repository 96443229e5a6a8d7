// One flow's or campaign's report: the funnel sent → delivered → clicked →
// ordered, revenue, the same by email and variant, the products bought in its
// attributed orders, and those orders (50 to a page) with the rule that
// credited each and a link to the email. ?days=7|30|90|365 narrows it to a
// period (all time otherwise). Another shop's campaign is a 404.
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, ButtonGroup, Card, DataTable, InlineGrid, InlineStack, Layout, Link, Page, Pagination, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { loadReport } from "../../core/reports/report.server";
import { PERIODS, parsePeriod, type PeriodDays } from "../../core/reports/dashboard";
import type { Report } from "../../core/reports/report";
import { formatCount, formatMoney } from "../../components/format";
import { formatDate } from "../../components/audience/format";
import { DownloadCsvButton } from "../../components/reports/DownloadCsvButton";
import { emailLabel, flowName, formatPerRecipient, formatRate } from "../../components/reports/format";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Report · Loopwise" }];

/** ?days= when it names an offered period; all time otherwise. */
function readDays(raw: string | null): PeriodDays | null {
  return raw !== null && String(parsePeriod(raw)) === raw ? parsePeriod(raw) : null;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  const days = readDays(url.searchParams.get("days"));
  const page = Number(url.searchParams.get("page") ?? "1");
  const report = await loadReport(shop.id, params.id ?? "", { days, page: Number.isFinite(page) ? page : 1 });
  if (!report) throw new Response("No such flow or campaign in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
  return { report, days };
};

export default function ReportPage() {
  const { report: r, days } = useLoaderData<typeof loader>();
  const money = (minor: number) => formatMoney(minor, r.currency);
  const base = `/app/reports/${r.campaign.id}`;
  const query = (next: { days?: number | null; page?: number }) => {
    const q = new URLSearchParams();
    const d = next.days === undefined ? days : next.days;
    if (d) q.set("days", String(d));
    if (next.page && next.page > 1) q.set("page", String(next.page));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  };
  const kind = r.campaign.kind === "flow" ? "Flow" : "Campaign";
  return (
    <Page
      title={r.campaign.name}
      titleMetadata={<Badge>{`${kind} · ${flowName(r.campaign.flowType)}`}</Badge>}
      subtitle={r.period ? `Last ${r.period.days} days (${r.period.from} to ${r.period.to})` : "All time"}
      backAction={{ content: "Home", url: "/app" }}
      secondaryActions={[{ content: "Review emails", url: `/app/campaigns/${r.campaign.id}` }]}
    >
      <Layout>
        <Layout.Section>
          <InlineStack align="space-between" blockAlign="center" gap="300">
            <nav aria-label="Period">
              <ButtonGroup variant="segmented">
                <Button url={query({ days: null })} pressed={days === null}>
                  All time
                </Button>
                {PERIODS.map((d) => (
                  <Button key={d} url={query({ days: d })} pressed={days === d} accessibilityLabel={`Last ${d} days`}>
                    {`${d}d`}
                  </Button>
                ))}
              </ButtonGroup>
            </nav>
            <DownloadCsvButton href={`/app/reports/orders.csv?campaign=${encodeURIComponent(r.campaign.id)}${days ? `&days=${days}` : ""}`} />
          </InlineStack>
        </Layout.Section>
        <Layout.Section>
          <Funnel report={r} money={money} />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                By email and variant
              </Text>
              {r.byVariant.length === 0 ? (
                <Text as="p" tone="subdued">
                  Nothing sent yet.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                  headings={["Email", "Sent", "Delivered", "Click rate", "Orders", "Conversion", "Revenue"]}
                  rows={r.byVariant.map((v) => [
                    <span key="e" data-variant-row={`${v.step}:${v.variant}`}>
                      {emailLabel(v.step, v.variant)}
                    </span>,
                    formatCount(v.sent),
                    formatCount(v.delivered),
                    formatRate(v.clickRate),
                    formatCount(v.orders),
                    formatRate(v.conversionRate),
                    money(v.revenue),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Top products bought
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                In the orders credited to this {kind.toLowerCase()} (cancelled orders left out), line totals less discounts, before refunds.
              </Text>
              {r.topProducts.length === 0 ? (
                <Text as="p" tone="subdued">
                  No attributed orders yet.
                </Text>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric"]}
                  headings={["Product", "Quantity", "Revenue"]}
                  rows={r.topProducts.map((p) => [
                    <span key="t" data-top-product="">
                      {p.title}
                    </span>,
                    formatCount(p.quantity),
                    money(p.revenue),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Orders report={r} money={money} previous={query({ page: r.orders.page - 1 })} next={query({ page: r.orders.page + 1 })} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Funnel({ report: r, money }: { report: Report; money: (n: number) => string }) {
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="end" gap="300">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Funnel
            </Text>
            <Text as="p" variant="heading2xl">
              <span data-report="revenue">{money(r.totals.revenue)}</span>
            </Text>
            <Text as="p" variant="bodySm" tone="subdued">
              {`attributed revenue · ${formatPerRecipient(r.totals.revenuePerRecipient, r.currency)} per email sent`}
            </Text>
          </BlockStack>
        </InlineStack>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          {r.funnel.map((s) => (
            <Box key={s.key} padding="300" background="bg-surface-secondary" borderRadius="200">
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm" tone="subdued" id={`funnel-${s.key}`}>
                  {s.label}
                </Text>
                <Text as="p" variant="headingLg" aria-labelledby={`funnel-${s.key}`}>
                  <span data-funnel={s.key}>{formatCount(s.count)}</span>
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  {s.rate === null ? "\u00a0" : `${formatRate(s.rate)} of ${s.of}`}
                </Text>
              </BlockStack>
            </Box>
          ))}
        </InlineGrid>
        <Text as="p" variant="bodySm">
          <strong>How revenue is credited. </strong>
          <span data-attribution-rule="">{r.attribution}</span>
        </Text>
      </BlockStack>
    </Card>
  );
}

/** DataTable cells do not wrap: long text does, within this width. */
const WRAP = (maxWidth: number) => ({ whiteSpace: "normal", overflowWrap: "anywhere", maxWidth }) as const;

function Orders({ report: r, money, previous, next }: { report: Report; money: (n: number) => string; previous: string; next: string }) {
  const { rows, page, pages, total } = r.orders;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {`Attributed orders (${formatCount(total)})`}
        </Text>
        {rows.length === 0 ? (
          <Text as="p" tone="subdued">
            <span data-report-orders-empty="">No order has been credited to these emails yet.</span>
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "numeric", "text", "text"]}
            headings={["Order", "Placed", "Customer", "Net revenue", "Why it counts", "Email"]}
            rows={rows.map((o) => [
              <span key="n" data-order-row={o.name}>
                {o.name}
              </span>,
              formatDate(o.placedAt, r.timeZone, true),
              <div key="c" style={WRAP(200)}>
                {o.customer}
              </div>,
              <InlineStack key="v" gap="100" align="end" wrap={false}>
                <span>{money(o.revenue)}</span>
                {o.cancelled ? <Badge tone="critical">Cancelled</Badge> : o.refunded ? <Badge tone="warning">Refunded</Badge> : null}
              </InlineStack>,
              <div key="r" style={WRAP(260)}>
                <span data-order-rule={o.rule}>{`The customer ${o.ruleText}.`}</span>
              </div>,
              <Link key="m" url={`/app/messages/${o.messageId}`}>
                {emailLabel(o.step, o.variant)}
              </Link>,
            ])}
          />
        )}
        {pages > 1 ? (
          <InlineStack align="center">
            <Pagination
              hasPrevious={page > 1}
              previousURL={previous}
              hasNext={page < pages}
              nextURL={next}
              label={`Page ${page} of ${pages}`}
            />
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
