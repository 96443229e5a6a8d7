import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { requireShop } from "../../core/shopify/require-shop.server";
import { ApprovalCard } from "../../components/campaigns/ApprovalCard";
import { DraftCard } from "../../components/campaigns/DraftCard";
import { EmailPreview } from "../../components/campaigns/EmailPreview";
import { PlanEditor } from "../../components/campaigns/PlanEditor";
import { STATUS_BADGE, whenWords } from "../../components/campaigns/words";
import { approverOf, handleReviewForm, loadReview, MAX_NOTE_CHARS } from "./review.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Review · Loopwise" }];

/** While drafts are being written, the page reloads its data this often. */
const POLL_MS = 1500;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { review: await loadReview(shop, params.id ?? ""), maxNoteChars: MAX_NOTE_CHARS };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const context = await requireShop(request);
  const result = await handleReviewForm(context.shop, params.id ?? "", await request.formData(), { by: approverOf(context) });
  return data(result, { status: result.ok ? 200 : 422 });
};

export default function Review() {
  const { review: r, maxNoteChars } = useLoaderData<typeof loader>();
  const action = `/app/campaigns/${r.id}`;
  const generating = r.rawStatus === "generating";
  const revalidator = useRevalidator();
  const revalidate = revalidator.revalidate;
  const idle = revalidator.state === "idle";

  // The progress bar follows the drafts as they are written.
  useEffect(() => {
    if (!generating || !idle) return;
    const timer = setTimeout(revalidate, POLL_MS);
    return () => clearTimeout(timer);
  }, [generating, idle, revalidate, r.progress.done]);

  const badge = STATUS_BADGE[r.status];
  const back = r.kind === "flow" ? { content: "Flows", url: "/app/flows" } : { content: "Campaigns", url: "/app/campaigns" };
  return (
    <Page
      title={r.name}
      titleMetadata={
        <span data-review-status={r.status}>
          <Badge tone={badge.tone}>{badge.label}</Badge>
        </span>
      }
      subtitle={`${r.objective} · ${r.audience}`}
      backAction={back}
      fullWidth
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ApprovalCard action={action} kind={r.kind} version={r.version} approval={r.approval} blocked={r.blocked} enabled={r.enabled} timeZone={r.timeZone} />
            {generating || r.progress.error ? (
              <Card>
                <BlockStack gap="200">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      {generating ? "Writing the emails" : "Some emails could not be written"}
                    </Text>
                    <Text as="span" tone="subdued">
                      <span data-progress={`${r.progress.done}/${r.progress.total}`}>
                        {r.progress.done} of {r.progress.total}
                      </span>
                    </Text>
                  </InlineStack>
                  <ProgressBar progress={r.progress.total > 0 ? Math.round((100 * r.progress.done) / r.progress.total) : 0} size="small" tone={r.progress.error ? "critical" : "highlight"} />
                  {r.progress.error ? (
                    <Banner tone="critical">
                      <p>{r.progress.error}</p>
                    </Banner>
                  ) : (
                    <Text as="p" tone="subdued" variant="bodySm">
                      Two versions of each email, from your catalog and brand voice. You can read the plan meanwhile.
                    </Text>
                  )}
                </BlockStack>
              </Card>
            ) : null}
            <PlanEditor key={r.version} plan={r.plan} planLines={r.planLines} currency={r.currency} action={action} locked={generating} />
            {r.emails.map((email) => {
              const step = r.plan.steps[email.step]!;
              return (
                <Card key={email.step}>
                  <BlockStack gap="400">
                    <div data-email={email.step + 1}>
                      <Text as="h2" variant="headingMd">
                        {`Email ${email.step + 1} · ${email.stage} · ${whenWords(step)}`}
                      </Text>
                      <Text as="p" tone="subdued">
                        {step.goal}
                      </Text>
                    </div>
                    {email.drafts.length === 0 ? (
                      <Text as="p" tone="subdued">
                        {generating ? "Being written…" : "Not written yet."}
                      </Text>
                    ) : (
                      <InlineGrid columns={{ xs: 1, md: Math.min(email.drafts.length, 3) }} gap="400">
                        {email.drafts.map((d) => (
                          <DraftCard
                            key={`${d.id}-${d.content.version}`}
                            draft={d}
                            productTitles={r.productTitles}
                            action={action}
                            maxNoteChars={maxNoteChars}
                            locked={generating}
                          />
                        ))}
                      </InlineGrid>
                    )}
                    {email.drafts.length > 0 ? <EmailPreview campaignId={r.id} step={email.step} variants={email.drafts.map((d) => d.variant)} version={r.version} /> : null}
                  </BlockStack>
                </Card>
              );
            })}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
