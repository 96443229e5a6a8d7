// One email as its recipient saw it: the subject, the HTML in a sandboxed
// iframe (no scripts, no same-origin access, no navigation of the app), the
// plain-text part, and what happened to it. Another shop's message is a 404.
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { messageView } from "../../core/delivery/activity.server";
import { formatDate } from "../../components/audience/format";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Email · Loopwise" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const view = await messageView(shop.id, params.id ?? "");
  if (!view) throw new Response("No such email in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
  return { ...view, timeZone: shop.timezone };
};

export default function MessagePage() {
  const { message: m, campaign, email, timeZone } = useLoaderData<typeof loader>();
  const back = campaign ? { content: campaign.name, url: `/app/campaigns/${campaign.id}` } : { content: "Flows", url: "/app/flows" };
  const timeline: Array<[string, string | null]> = [
    ["Scheduled for", m.scheduledFor],
    ["Sent", m.sentAt],
    ["Delivered", m.deliveredAt],
    ["First opened", m.openedAt],
    ["First clicked", m.clickedAt],
    ["Bounced", m.bouncedAt],
    ["Marked as spam", m.spamReportedAt],
    ["Unsubscribed", m.unsubscribedAt],
  ];
  return (
    <Page
      title={email?.subject ?? `Email ${m.step + 1}${m.variant ?? ""}`}
      titleMetadata={
        <span data-message-status={m.status}>
          <Badge tone={m.status === "sent" ? "success" : m.status === "failed" ? "critical" : undefined}>{m.statusWords}</Badge>
        </span>
      }
      subtitle={`To ${m.recipient} · email ${m.step + 1}${m.variant ?? ""}${m.test ? " · test send" : ""}`}
      backAction={back}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {m.reason ? (
              <Banner tone="info" title={m.status === "skipped" ? "Not sent" : "Cancelled"}>
                <p data-message-reason="">{m.reason}</p>
              </Banner>
            ) : null}
            {m.error ? (
              <Banner tone="critical" title="SendGrid refused it">
                <p>{m.error}</p>
              </Banner>
            ) : null}
            {email ? (
              <>
                <Card>
                  <BlockStack gap="200">
                    <Text as="p">
                      <Text as="span" tone="subdued">
                        Subject:{" "}
                      </Text>
                      <strong data-sent-subject="">{email.subject}</strong>
                    </Text>
                    <iframe
                      title={`The email sent to ${m.recipient}`}
                      data-sent-frame=""
                      srcDoc={email.html}
                      sandbox=""
                      width="100%"
                      height={760}
                      style={{ border: "1px solid #d4d4d4", borderRadius: 8, background: "#fff", display: "block", maxWidth: 680 }}
                    />
                  </BlockStack>
                </Card>
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Plain-text part
                    </Text>
                    <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                      <pre data-sent-text="" style={{ whiteSpace: "pre-wrap", margin: 0, fontFamily: "inherit" }}>
                        {email.text}
                      </pre>
                    </Box>
                  </BlockStack>
                </Card>
              </>
            ) : (
              <Card>
                <Text as="p" tone="subdued">
                  <span data-sent-missing="">This email has not gone out, so there is nothing to show as received.</span>
                </Text>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                What happened
              </Text>
              {timeline
                .filter(([, at]) => at !== null)
                .map(([label, at]) => (
                  <InlineStack key={label} align="space-between" gap="200">
                    <Text as="span" tone="subdued">
                      {label}
                    </Text>
                    <Text as="span">{formatDate(at, timeZone, true)}</Text>
                  </InlineStack>
                ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
