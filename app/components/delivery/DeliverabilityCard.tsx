// Deliverability over the last days: bounce, unsubscribe and spam-complaint
// rates, with Gmail's lines (a warning above 0.1% complaints, critical at 0.3%),
// as judged by deliverability.ts. Machine opens are never in these rates.
import { Banner, BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import type { DeliverabilityView } from "../../core/delivery/activity";
import { formatCount } from "../format";

interface Props {
  deliverability: DeliverabilityView;
  /** "this flow", "this campaign", "your store". */
  scope: string;
}

export function DeliverabilityCard({ deliverability: d, scope }: Props) {
  const level = d.complaints.level;
  return (
    <Card>
      <div data-deliverability={level}>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Deliverability
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {`Emails of ${scope} sent in the last ${d.days} days: ${formatCount(d.counts.sent)} sent, ${formatCount(d.counts.delivered)} delivered.`}
          </Text>
          {level === "alarm" ? (
            <Banner tone="critical" title="Spam complaints are too high">
              <p data-complaints-banner="alarm">{d.complaints.message}</p>
            </Banner>
          ) : level === "warn" ? (
            <Banner tone="warning" title="Spam complaints are getting close to Gmail's limit">
              <p data-complaints-banner="warn">{d.complaints.message}</p>
            </Banner>
          ) : null}
          <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
            <Rate label="Bounce rate" value={d.shown.bounceRate} id="bounce" hint="of sent" />
            <Rate label="Unsubscribe rate" value={d.shown.unsubscribeRate} id="unsubscribe" hint="of delivered" />
            <Rate label="Spam complaints" value={d.shown.spamComplaintRate} id="spam" hint="of delivered; Gmail: under 0.1%" />
            <Rate label="Open rate" value={d.shown.openRate} id="open" hint="people, not machines" />
            <Rate label="Click rate" value={d.shown.clickRate} id="click" hint="of delivered" />
          </InlineGrid>
          {level === "too-few" || level === "ok" ? (
            <Text as="p" variant="bodySm" tone="subdued">
              <span data-complaints-note={level}>{d.complaints.message}</span>
            </Text>
          ) : null}
        </BlockStack>
      </div>
    </Card>
  );
}

function Rate({ label, value, id, hint }: { label: string; value: string; id: string; hint: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="span" variant="headingLg">
        <span data-rate={id}>{value}</span>
      </Text>
      <Text as="span" variant="bodySm" tone="subdued">
        {hint}
      </Text>
    </BlockStack>
  );
}
