import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { STATUS_BADGE } from "../../components/campaigns/words";
import { usePollWhile } from "../../components/campaigns/usePollWhile";
import { ActivitySummary } from "../../components/delivery/ActivitySummary";
import { DeliverabilityCard } from "../../components/delivery/DeliverabilityCard";
import { flowsActivity } from "../../core/delivery/activity.server";
import { emptyCounts, type ActivityCounts } from "../../core/delivery/activity";
import { loadFlows, toggleFlow, type FlowRow, type ToggleResult } from "./flows.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Flows · Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const flows = await loadFlows(shop);
  const delivery = await flowsActivity(shop.id, flows.map((f) => f.id));
  return { flows, ...delivery };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const result = await toggleFlow(shop, await request.formData());
  return data(result, { status: result.ok ? 200 : 409 });
};

export default function Flows() {
  const { flows, activity, deliverability } = useLoaderData<typeof loader>();
  // New flows get their drafts written in the background: follow them.
  usePollWhile(flows.some((f) => f.status === "writing"), 3000);
  return (
    <Page title="Flows" subtitle="Automated emails that run by themselves once you approve them and switch them on." backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {deliverability.counts.sent > 0 ? <DeliverabilityCard deliverability={deliverability} scope="your store" /> : null}
            {flows.map((flow) => (
              <FlowCard key={flow.id} flow={flow} activity={activity[flow.id] ?? emptyCounts()} />
            ))}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function FlowCard({ flow, activity }: { flow: FlowRow; activity: ActivityCounts }) {
  const toggle = useFetcher<ToggleResult>();
  const refused = toggle.state === "idle" && toggle.data && !toggle.data.ok ? toggle.data : null;
  const badge = STATUS_BADGE[flow.status];
  const reviewUrl = `/app/campaigns/${flow.id}`;
  return (
    <Card>
      <div data-flow={flow.flowType}>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                {flow.name}
              </Text>
              <span data-flow-status={flow.status}>
                <Badge tone={badge.tone}>{badge.label}</Badge>
              </span>
            </InlineStack>
            <InlineStack gap="200" blockAlign="center">
              <Button url={reviewUrl}>{flow.status === "needs-approval" ? "Review and approve" : "Review emails"}</Button>
              <Button url={`/app/reports/${flow.id}`} accessibilityLabel={`Report for ${flow.name}`}>Report</Button>
              <toggle.Form method="post">
                <input type="hidden" name="id" value={flow.id} />
                <input type="hidden" name="intent" value={flow.enabled ? "disable" : "enable"} />
                <Button submit variant={flow.enabled ? "secondary" : "primary"} loading={toggle.state !== "idle"} accessibilityLabel={`${flow.enabled ? "Turn off" : "Turn on"} ${flow.name}`}>
                  {flow.enabled ? "Turn off" : "Turn on"}
                </Button>
              </toggle.Form>
            </InlineStack>
          </InlineStack>
          <Text as="p" tone="subdued">
            {flow.summary}
          </Text>
          <Box paddingInlineStart="400">
            <ul style={{ margin: 0, paddingInlineStart: "1rem" }}>
              {flow.emails.map((line) => (
                <li key={line}>
                  <Text as="span" variant="bodySm">
                    {line}
                  </Text>
                </li>
              ))}
            </ul>
          </Box>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Activity
            </Text>
            <ActivitySummary activity={activity} name={flow.flowType} />
          </BlockStack>
          <Text as="p" variant="bodySm" tone="subdued">
            <span data-flow-approval="">{flow.approval}</span>
            {flow.problems > 0 ? ` ${flow.problems} problem${flow.problems === 1 ? "" : "s"} to fix in the drafts.` : ""}
          </Text>
          {refused ? (
            <Banner tone="warning" title={refused.needsApproval ? "Approve this flow's emails before turning it on" : "Not switched"}>
              <p data-flow-refused="">{refused.error}</p>
              {refused.needsApproval ? (
                <p>
                  Nothing is sent that you have not approved. <Link url={reviewUrl}>Review and approve the emails</Link>, then turn it on.
                </p>
              ) : null}
            </Banner>
          ) : null}
        </BlockStack>
      </div>
    </Card>
  );
}
