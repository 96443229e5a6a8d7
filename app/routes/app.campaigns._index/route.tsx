import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData } from "@remix-run/react";
import { Badge, Card, EmptyState, IndexTable, Layout, Link, Page, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { formatDate } from "../../components/audience/format";
import { STATUS_BADGE } from "../../components/campaigns/words";
import { usePollWhile } from "../../components/campaigns/usePollWhile";
import { loadCampaignList } from "./campaigns.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Campaigns · Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { campaigns: await loadCampaignList(shop.id), timeZone: shop.timezone };
};

export default function Campaigns() {
  const { campaigns, timeZone } = useLoaderData<typeof loader>();
  usePollWhile(campaigns.some((c) => c.status === "writing"), 3000);
  return (
    <Page title="Campaigns" backAction={{ content: "Home", url: "/app" }} primaryAction={{ content: "New campaign", url: "/app/campaigns/new" }}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            {campaigns.length === 0 ? (
              <EmptyState heading="No campaigns yet" image="" action={{ content: "New campaign", url: "/app/campaigns/new" }}>
                <p>Say what you want done and who for: Loopwise proposes the plan and writes every email for you to approve.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "campaign", plural: "campaigns" }}
                itemCount={campaigns.length}
                selectable={false}
                headings={[{ title: "Campaign" }, { title: "Objective" }, { title: "Audience" }, { title: "Status" }, { title: "Emails", alignment: "end" }, { title: "Created" }]}
              >
                {campaigns.map((c, index) => {
                  const badge = STATUS_BADGE[c.status];
                  return (
                    <IndexTable.Row id={c.id} key={c.id} position={index}>
                      <IndexTable.Cell>
                        <span data-campaign-row={c.id}>
                          <Link dataPrimaryLink monochrome removeUnderline url={`/app/campaigns/${c.id}`}>
                            <Text as="span" fontWeight="semibold">
                              {c.name}
                            </Text>
                          </Link>
                        </span>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{c.objective}</IndexTable.Cell>
                      <IndexTable.Cell>{c.audience}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <span data-campaign-status={c.status}>
                          <Badge tone={badge.tone}>{badge.label}</Badge>
                        </span>
                        {c.problems > 0 ? <Badge tone="critical">{`${c.problems} to fix`}</Badge> : null}
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <Text as="span" alignment="end" numeric>
                          {c.emails}
                        </Text>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{formatDate(c.createdAt, timeZone)}</IndexTable.Cell>
                    </IndexTable.Row>
                  );
                })}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
