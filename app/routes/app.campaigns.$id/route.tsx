import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { requireShop } from "../../core/shopify/require-shop.server";
import { ApprovalCard } from "../../components/campaigns/ApprovalCard";
import { DraftCard } from "../../components/campaigns/DraftCard";
import { EmailPreview } from "../../components/campaigns/EmailPreview";
import { PlanEditor } from "../../components/campaigns/PlanEditor";
import { usePollWhile } from "../../components/campaigns/usePollWhile";
import { STATUS_BADGE, whenWords } from "../../components/campaigns/words";
import { CampaignDelivery } from "../../components/delivery/CampaignDelivery";
import { campaignDelivery } from "../../core/delivery/activity.server";
import { approverOf, handleReviewForm, loadReview, MAX_NOTE_CHARS } from "./review.server";
import { handleDeliveryForm, isDeliveryIntent } from "./delivery.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Review · Loopwise" }];

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const review = await loadReview(shop, params.id ?? "");
  // The recent-emails list pages by the last message shown (?before=<id>).
  const before = new URL(request.url).searchParams.get("before");
  const delivery = await campaignDelivery(shop, review.id, { cursor: before });
  return { review, delivery, paged: Boolean(before), maxNoteChars: MAX_NOTE_CHARS };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const context = await requireShop(request);
  const form = await request.formData();
  if (isDeliveryIntent(form.get("intent"))) {
    const result = await handleDeliveryForm(context.shop, params.id ?? "", form);
    return data(result, { status: result.ok ? 200 : 422 });
  }
  const result = await handleReviewForm(context.shop, params.id ?? "", form, { by: approverOf(context) });
  return data(result, { status: result.ok ? 200 : 422 });
};

export default function Review() {
  const { review: r, delivery, paged, maxNoteChars } = useLoaderData<typeof loader>();
  const action = `/app/campaigns/${r.id}`;
  const generating = r.rawStatus === "generating";
  // The progress bar follows the drafts as they are written.
  usePollWhile(generating);

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
      secondaryActions={[{ content: "Revenue report", url: `/app/reports/${r.id}` }]}
      fullWidth
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <ApprovalCard action={action} kind={r.kind} version={r.version} approval={r.approval} blocked={r.blocked} enabled={r.enabled} timeZone={r.timeZone} />
            <CampaignDelivery
              action={action}
              kind={r.kind}
              flowType={r.flowType}
              scheduled={r.plan.trigger.kind === "scheduled"}
              approved={r.approval.approved && r.approval.version === r.version}
              delivery={delivery}
              timeZone={r.timeZone}
              emails={r.emails.map((e) => ({ step: e.step, variants: e.drafts.map((d) => d.variant) }))}
              olderUrl={delivery.recent.next ? `${action}?before=${encodeURIComponent(delivery.recent.next)}` : null}
              newestUrl={paged ? action : null}
            />
            {generating || r.progress.error || r.progress.done < r.progress.total ? (
              <ProgressCard generating={generating} progress={r.progress} action={action} />
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

function ProgressCard({ generating, progress, action }: { generating: boolean; progress: { done: number; total: number; error?: string }; action: string }) {
  const write = useFetcher<{ ok: boolean; error?: string; failed?: string[] }>();
  const result = write.state === "idle" ? write.data : undefined;
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            {generating ? "Writing the emails" : "Some emails are not written yet"}
          </Text>
          <Text as="span" tone="subdued">
            <span data-progress={`${progress.done}/${progress.total}`}>
              {progress.done} of {progress.total}
            </span>
          </Text>
        </InlineStack>
        <ProgressBar progress={progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0} size="small" tone={progress.error ? "critical" : "highlight"} />
        {progress.error ? (
          <Banner tone="critical">
            <p>{progress.error}</p>
          </Banner>
        ) : null}
        {generating ? (
          <Text as="p" tone="subdued" variant="bodySm">
            Two versions of each email, from your catalog and brand voice. You can read the plan meanwhile.
          </Text>
        ) : (
          <InlineStack gap="200" blockAlign="center">
            <Button onClick={() => write.submit({ intent: "generate" }, { method: "post", action })} loading={write.state !== "idle"}>
              Write the missing emails
            </Button>
            {result && !result.ok ? <Text as="span" tone="critical">{result.error}</Text> : null}
            {result?.ok && result.failed && result.failed.length > 0 ? <Text as="span" tone="critical">{result.failed[0]}</Text> : null}
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}
