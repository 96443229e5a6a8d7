import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { requireShop } from "../../core/shopify/require-shop.server";
import { formatCount } from "../../components/format";
import { formatDate } from "../../components/audience/format";
import { Sparkline } from "../../components/audience/Sparkline";
import { DETAIL_TREND_DAYS, deleteMerchantSegment, loadSegmentDetail } from "./segment.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Segment · Loopwise" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const segment = await loadSegmentDetail(shop.id, params.id ?? "");
  return { segment, timeZone: shop.timezone, trendDays: DETAIL_TREND_DAYS };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  if (form.get("intent") !== "delete") throw new Response("Unknown intent.", { status: 400 });
  await deleteMerchantSegment(shop.id, params.id ?? "");
  return redirect("/app/segments");
};

export default function SegmentPage() {
  const { segment: s, timeZone, trendDays } = useLoaderData<typeof loader>();
  const [confirming, setConfirming] = useState(false);
  const deleting = useNavigation().formMethod === "POST";
  const custom = s.kind === "custom";
  return (
    <Page
      title={s.name}
      titleMetadata={<Badge tone={custom ? "info" : undefined}>{custom ? "Your segment" : "Built in"}</Badge>}
      backAction={{ content: "Segments", url: "/app/segments" }}
      primaryAction={custom ? { content: "Edit", url: `/app/segments/${s.id}/edit` } : undefined}
      secondaryActions={custom ? [{ content: "Delete", destructive: true, onAction: () => setConfirming(true) }] : undefined}
    >
      <Layout>
        {confirming ? (
          <Layout.Section>
            <Banner tone="critical" title={`Delete “${s.name}”?`} onDismiss={() => setConfirming(false)}>
              <BlockStack gap="200">
                <p>Its membership history goes with it. Flows that target it stop finding recipients.</p>
                <Form method="post">
                  <input type="hidden" name="intent" value="delete" />
                  <InlineStack gap="200">
                    <Button submit variant="primary" tone="critical" loading={deleting}>
                      Delete segment
                    </Button>
                    <Button onClick={() => setConfirming(false)}>Cancel</Button>
                  </InlineStack>
                </Form>
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Definition
              </Text>
              <Text as="p">
                <span data-segment-description="">{s.description || "—"}</span>
              </Text>
              <InlineStack gap="600" blockAlign="center" wrap>
                <BlockStack gap="100">
                  <Text as="span" tone="subdued" variant="bodySm">
                    Customers
                  </Text>
                  <Text as="p" variant="heading2xl">
                    <span data-segment-size="">{formatCount(s.size)}</span>
                  </Text>
                </BlockStack>
                <Sparkline sizes={s.trend} period={`${trendDays} days`} width={240} height={48} />
              </InlineStack>
              <Text as="p" variant="bodySm" tone="subdued">
                Last evaluated {formatDate(s.updatedAt, timeZone, true)}.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Recent members
              </Text>
              {s.sample.length === 0 ? (
                <Text as="p" tone="subdued">
                  No members.
                </Text>
              ) : (
                s.sample.map((m) => (
                  <Text as="p" key={m.id}>
                    <span data-member={m.id}>
                      <Link url={`/app/customers/${m.id}`}>{m.name}</Link>
                    </span>
                    {m.email ? (
                      <Text as="span" tone="subdued">
                        {" "}
                        {m.email}
                      </Text>
                    ) : null}
                  </Text>
                ))
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
