// The newest messages of a flow or campaign: to whom (masked), which email,
// where it stands and why, and a link to the email as the recipient saw it.
import { BlockStack, Button, IndexTable, InlineStack, Link, Text } from "@shopify/polaris";
import type { MessageRow } from "../../core/delivery/activity";
import { formatDate } from "../audience/format";

interface Props {
  messages: MessageRow[];
  timeZone: string | null;
  /** The next (older) page's URL, or null on the last page. */
  olderUrl: string | null;
  newestUrl: string | null;
}

function engagement(m: MessageRow): string {
  const parts: string[] = [];
  if (m.bouncedAt) parts.push("bounced");
  else if (m.deliveredAt) parts.push("delivered");
  if (m.openedAt) parts.push("opened");
  if (m.clickedAt) parts.push("clicked");
  if (m.unsubscribedAt) parts.push("unsubscribed");
  if (m.spamReportedAt) parts.push("marked as spam");
  return parts.join(", ");
}

export function RecentMessages({ messages, timeZone, olderUrl, newestUrl }: Props) {
  if (messages.length === 0) {
    return (
      <Text as="p" tone="subdued">
        No emails yet.
      </Text>
    );
  }
  return (
    <BlockStack gap="200">
      <IndexTable
        resourceName={{ singular: "email", plural: "emails" }}
        itemCount={messages.length}
        selectable={false}
        headings={[{ title: "To" }, { title: "Email" }, { title: "Status" }, { title: "When" }, { title: "What happened" }, { title: "" }]}
      >
        {messages.map((m, index) => (
          <IndexTable.Row id={m.id} key={m.id} position={index}>
            <IndexTable.Cell>
              <span data-message-row={m.id} data-message-status={m.status}>
                {m.recipient}
              </span>
            </IndexTable.Cell>
            <IndexTable.Cell>{`${m.step + 1}${m.variant ?? ""}`}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span">{m.statusWords}</Text>
              {m.reason ? (
                <Text as="p" variant="bodySm" tone="subdued">
                  <span data-message-reason="">{m.reason}</span>
                </Text>
              ) : null}
            </IndexTable.Cell>
            <IndexTable.Cell>{formatDate(m.sentAt ?? m.scheduledFor, timeZone, true)}</IndexTable.Cell>
            <IndexTable.Cell>{engagement(m)}</IndexTable.Cell>
            <IndexTable.Cell>
              {m.viewable ? (
                <Link url={`/app/messages/${m.id}`} accessibilityLabel={`View the email sent to ${m.recipient}`}>
                  View email
                </Link>
              ) : null}
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
      {olderUrl || newestUrl ? (
        <InlineStack gap="200">
          {newestUrl ? <Button url={newestUrl}>Newest</Button> : null}
          {olderUrl ? <Button url={olderUrl}>Older</Button> : null}
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}
