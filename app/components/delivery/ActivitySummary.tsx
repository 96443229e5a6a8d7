// A flow's or campaign's mail at a glance: how many are scheduled, sent,
// skipped (with why, in words) and cancelled, and what recipients did with
// what was sent. Counts come from activity.server.ts; test sends are not in them.
import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import type { ActivityCounts } from "../../core/delivery/activity";
import { formatCount } from "../format";

interface Props {
  activity: ActivityCounts;
  /** Marks the block for tests and screen readers, e.g. the flow type. */
  name: string;
}

const SHOWN = [
  ["scheduled", "Scheduled"],
  ["queued", "Queued"],
  ["sending", "Sending"],
  ["sent", "Sent"],
  ["skipped", "Skipped"],
  ["cancelled", "Cancelled"],
  ["failed", "Failed"],
  ["unknown", "Being confirmed"],
] as const;

export function ActivitySummary({ activity, name }: Props) {
  if (activity.total === 0) {
    return (
      <Text as="p" variant="bodySm" tone="subdued">
        <span data-activity={name} data-activity-empty="">
          No emails yet: they appear here once people qualify.
        </span>
      </Text>
    );
  }
  // Always the three a merchant asks about; the rest only when there are some.
  const shown = SHOWN.filter(([key]) => key === "scheduled" || key === "sent" || key === "skipped" || activity.byStatus[key] > 0);
  const sent = activity.byStatus.sent + activity.byStatus.unknown;
  return (
    <div data-activity={name}>
      <BlockStack gap="200">
        <InlineStack gap="400" wrap>
          {shown.map(([key, label]) => (
            <Text as="span" key={key}>
              <Text as="span" tone="subdued">
                {label}{" "}
              </Text>
              <strong data-count={key}>{formatCount(activity.byStatus[key])}</strong>
            </Text>
          ))}
        </InlineStack>
        {sent > 0 ? (
          <Text as="p" variant="bodySm" tone="subdued">
            <span data-engagement="">
              {`${formatCount(activity.delivered)} delivered · ${formatCount(activity.opened)} opened · ${formatCount(activity.clicked)} clicked`}
              {activity.bounced > 0 ? ` · ${formatCount(activity.bounced)} bounced` : ""}
            </span>
          </Text>
        ) : null}
        {activity.skipped.length > 0 ? <ReasonList title="Why emails were skipped" kind="skipped" rows={activity.skipped} /> : null}
        {activity.cancelled.length > 0 ? <ReasonList title="Why emails were cancelled" kind="cancelled" rows={activity.cancelled} /> : null}
      </BlockStack>
    </div>
  );
}

function ReasonList({ title, kind, rows }: { title: string; kind: string; rows: ActivityCounts["skipped"] }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm">
        {title}
      </Text>
      <ul style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
        {rows.map((r) => (
          <li key={r.reason} data-reason={r.reason} data-reason-kind={kind}>
            <Text as="span" variant="bodySm">
              <strong>{formatCount(r.count)}</strong> · {r.words}
            </Text>
          </li>
        ))}
      </ul>
    </BlockStack>
  );
}
