// The home page's revenue section: attributed revenue with the previous period
// beside it, a chart per day, the rates, the tables by flow and by campaign
// (each row links to its report), the attribution rule in words, the period
// picker (?days=) and the CSV export. Everything comes from loadDashboard.
import { Badge, BlockStack, Box, Button, ButtonGroup, Card, DataTable, InlineGrid, InlineStack, Link, Text } from "@shopify/polaris";
import { EMPTY_TEXT, PERIODS, type CampaignBreakdown, type Dashboard, type FlowBreakdown, type MetricKey } from "../../core/reports/dashboard";
import { formatCount, formatMoney } from "../format";
import { formatDate } from "../audience/format";
import { RevenueChart } from "./RevenueChart";
import { DownloadCsvButton } from "./DownloadCsvButton";
import { flowName, formatChange, formatPerRecipient, formatRate } from "./format";

const dayDate = (day: string) => formatDate(`${day}T12:00:00Z`, "UTC");

export function RevenueSection({ dashboard: d }: { dashboard: Dashboard }) {
  const money = (minor: number) => formatMoney(minor, d.currency);
  // "new" only for a figure that had nothing to compare with and is something now.
  const change = (key: MetricKey) => formatChange(d.change[key], !((d.previous[key] ?? 0) === 0 && (d.totals[key] ?? 0) > 0));
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="300">
          <BlockStack gap="100">
            <Text as="h2" variant="headingLg">
              Revenue from email
            </Text>
            <Text as="p" variant="bodySm" tone="subdued">
              {`${dayDate(d.period.from)} – ${dayDate(d.period.to)}, compared with ${dayDate(d.previousPeriod.from)} – ${dayDate(d.previousPeriod.to)}`}
            </Text>
          </BlockStack>
          <InlineStack gap="300" blockAlign="center">
            <nav aria-label="Period">
              <ButtonGroup variant="segmented">
                {PERIODS.map((days) => (
                  <Button key={days} url={`/app?days=${days}`} pressed={d.period.days === days} accessibilityLabel={`Last ${days} days`}>
                    {`${days}d`}
                  </Button>
                ))}
              </ButtonGroup>
            </nav>
            <DownloadCsvButton href={`/app/reports/orders.csv?days=${d.period.days}`} />
          </InlineStack>
        </InlineStack>

        <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm" tone="subdued" id="attributed-revenue-label">
              Attributed revenue
            </Text>
            <Text as="p" variant="heading2xl" aria-labelledby="attributed-revenue-label">
              <span data-dashboard="revenue">{money(d.totals.revenue)}</span>
            </Text>
            <Text as="p" variant="bodySm" tone="subdued">
              <span data-dashboard="revenue-change">{change("revenue") || "—"}</span>
              {` vs ${money(d.previous.revenue)} the ${d.period.days} days before`}
            </Text>
          </BlockStack>
          <Figure id="orders" label="Attributed orders" value={formatCount(d.totals.orders)} change={change("orders")} />
          <Figure id="per-recipient" label="Revenue per recipient" value={formatPerRecipient(d.totals.revenuePerRecipient, d.currency)} change={change("revenuePerRecipient")} hint="revenue ÷ emails sent" />
        </InlineGrid>

        <Box background="bg-surface-secondary" padding="300" borderRadius="200">
          <Text as="p" variant="bodySm">
            <strong>How revenue is credited. </strong>
            <span data-attribution-rule="">{d.attribution.text}</span>
          </Text>
        </Box>

        {d.empty ? (
          <Box padding="300" borderColor="border" borderWidth="025" borderRadius="200">
            <Text as="p">
              <span data-dashboard-empty={d.empty}>{EMPTY_TEXT[d.empty]}</span>
            </Text>
          </Box>
        ) : null}

        <RevenueChart series={d.series} currency={d.currency} />

        <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
          <Figure id="sent" label="Emails sent" value={formatCount(d.totals.sent)} change={change("sent")} />
          <Figure id="delivery-rate" label="Delivery rate" value={formatRate(d.totals.deliveryRate)} change={change("deliveryRate")} hint="of sent" />
          <Figure id="open-rate" label="Open rate" value={formatRate(d.totals.openRate)} change={change("openRate")} hint="people, not machines" />
          <Figure id="click-rate" label="Click rate" value={formatRate(d.totals.clickRate)} change={change("clickRate")} hint="of delivered" />
          <Figure id="conversion-rate" label="Conversion rate" value={formatRate(d.totals.conversionRate)} change={change("conversionRate")} hint="orders of delivered" />
        </InlineGrid>

        <FlowTable rows={d.byFlow} campaigns={d.byCampaign} money={money} />
        <CampaignTable rows={d.byCampaign} money={money} />
      </BlockStack>
    </Card>
  );
}

function Figure({ id, label, value, change, hint }: { id: string; label: string; value: string; change: string; hint?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued" id={`dash-${id}-label`}>
        {label}
      </Text>
      <Text as="p" variant="headingLg" aria-labelledby={`dash-${id}-label`}>
        <span data-dashboard={id}>{value}</span>
      </Text>
      <Text as="p" variant="bodySm" tone="subdued">
        {[change, hint].filter(Boolean).join(" · ")}
      </Text>
    </BlockStack>
  );
}

const HEADINGS = ["Sent", "Click rate", "Orders", "Revenue"];
const TYPES = ["text", "numeric", "numeric", "numeric", "numeric"] as const;

function FlowTable({ rows, campaigns, money }: { rows: FlowBreakdown[]; campaigns: CampaignBreakdown[]; money: (n: number) => string }) {
  if (rows.length === 0) return null;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingMd">
        By flow
      </Text>
      <DataTable
        columnContentTypes={[...TYPES]}
        headings={["Flow", ...HEADINGS]}
        rows={rows.map((r) => {
          // A flow type run by one flow links to that flow's report.
          const only = campaigns.filter((c) => c.flowType === r.flowType);
          const name = flowName(r.flowType);
          return [
            <span key="n" data-flow-row={r.flowType}>
              {only.length === 1 ? <Link url={`/app/reports/${only[0]!.campaignId}`}>{name}</Link> : name}
            </span>,
            formatCount(r.sent),
            formatRate(r.clickRate),
            formatCount(r.orders),
            money(r.revenue),
          ];
        })}
      />
    </BlockStack>
  );
}

function CampaignTable({ rows, money }: { rows: CampaignBreakdown[]; money: (n: number) => string }) {
  if (rows.length === 0) return null;
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingMd">
        By flow and campaign
      </Text>
      <DataTable
        columnContentTypes={[...TYPES]}
        headings={["Flow or campaign", ...HEADINGS]}
        rows={rows.map((r) => [
          <span key="n" data-campaign-report={r.campaignId}>
            <InlineStack gap="200" blockAlign="center" wrap={false}>
              <Link url={`/app/reports/${r.campaignId}`}>{r.name}</Link>
              <Badge>{r.kind === "flow" ? "Flow" : "Campaign"}</Badge>
            </InlineStack>
          </span>,
          formatCount(r.sent),
          formatRate(r.clickRate),
          formatCount(r.orders),
          money(r.revenue),
        ])}
      />
    </BlockStack>
  );
}
