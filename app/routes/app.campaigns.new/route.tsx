import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { requireShop } from "../../core/shopify/require-shop.server";
import { FLOW_DEFAULTS, OBJECTIVE_FLOWS } from "../../core/flows/plan/defaults";
import type { Objective } from "../../core/flows/plan/types";
import { formatCount } from "../../components/format";
import { OBJECTIVE_CHOICES } from "../../components/campaigns/words";
import type { OfferKind } from "../../components/campaigns/plan-edit";
import { createFromForm, loadNewCampaignForm } from "./new.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "New campaign · Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return loadNewCampaignForm(shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const result = await createFromForm(shop, await request.formData());
  if (result.ok) return redirect(`/app/campaigns/${result.id}`);
  return data(result, { status: 422 });
};

/** Objectives whose plan can feature one product (the others show each customer their own). */
const featuresProduct = (objective: Objective) => FLOW_DEFAULTS[OBJECTIVE_FLOWS[objective][0]!].steps.some((s) => s.productFocus === "featured");

export default function NewCampaign() {
  const form = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  const creating = useNavigation().state !== "idle";
  const [objective, setObjective] = useState<Objective>(form.defaults.objective);
  const [segmentId, setSegmentId] = useState(form.defaults.segmentId);
  const [productId, setProductId] = useState("");
  const [offerKind, setOfferKind] = useState<OfferKind>("none");
  const [offerValue, setOfferValue] = useState("");
  const [offerExpiryDays, setOfferExpiryDays] = useState("");
  const [name, setName] = useState("");

  const onObjective = (value: string) => {
    const next = value as Objective;
    setObjective(next);
    // A win-back starts when a customer becomes at risk or dormant: point the audience there.
    const current = form.segments.find((s) => s.id === segmentId);
    if (next === "win-back" && !(current?.builtin && (current.key === "at-risk" || current.key === "dormant"))) setSegmentId(form.defaults.segmentId);
    if (!featuresProduct(next)) setProductId("");
  };

  const builtins = form.segments.filter((s) => s.builtin);
  const custom = form.segments.filter((s) => !s.builtin);
  const label = (s: (typeof form.segments)[number]) => `${s.name} (${formatCount(s.size)})`;
  const segmentOptions = [
    { label: "All subscribers", value: "" },
    ...(builtins.length > 0 ? [{ title: "Lifecycle segments", options: builtins.map((s) => ({ label: label(s), value: s.id })) }] : []),
    ...(custom.length > 0 ? [{ title: "Your segments", options: custom.map((s) => ({ label: label(s), value: s.id })) }] : []),
  ];
  const p = form.policy;
  const offerOptions = [
    { label: "No offer", value: "none" },
    { label: "Percentage off", value: "percentage", disabled: !p.allowDiscounts },
    { label: `Amount off (${form.currency})`, value: "fixed-amount", disabled: !p.allowDiscounts },
    { label: "Free shipping", value: "free-shipping", disabled: !p.allowFreeShipping },
  ];

  return (
    <Page title="New campaign" backAction={{ content: "Campaigns", url: "/app/campaigns" }}>
      <Form method="post">
        <Layout>
          {refused && !refused.ok ? (
            <Layout.Section>
              <Banner tone="critical" title={refused.error}>
                {refused.problems.length > 0 ? (
                  <ul data-create-problems="">
                    {refused.problems.map((problem) => (
                      <li key={problem}>{problem}</li>
                    ))}
                  </ul>
                ) : null}
              </Banner>
            </Layout.Section>
          ) : null}
          <Layout.Section>
            <Card>
              <FormLayout>
                <Select label="What do you want to do?" name="objective" options={OBJECTIVE_CHOICES.map((o) => ({ ...o }))} value={objective} onChange={onObjective} />
                <Select
                  label="Who for?"
                  name="segmentId"
                  options={segmentOptions}
                  value={segmentId}
                  onChange={setSegmentId}
                  helpText={objective === "win-back" ? "A win-back starts for each customer as they become at risk (or dormant)." : "Only customers who agreed to email marketing are ever sent anything."}
                />
                {featuresProduct(objective) ? (
                  <Select
                    label="Product to feature (optional)"
                    name="productId"
                    options={[{ label: "No specific product: popular and new products", value: "" }, ...form.products.map((pr) => ({ label: pr.title, value: pr.id }))]}
                    value={productId}
                    onChange={setProductId}
                  />
                ) : null}
                <FormLayout.Group>
                  <Select label="Offer (optional)" name="offerKind" options={offerOptions} value={offerKind} onChange={(v) => setOfferKind(v as OfferKind)} />
                  {offerKind === "percentage" || offerKind === "fixed-amount" ? (
                    <TextField
                      label={offerKind === "percentage" ? "Percent off" : `Amount off (${form.currency})`}
                      name="offerValue"
                      autoComplete="off"
                      value={offerValue}
                      onChange={setOfferValue}
                      inputMode="decimal"
                      helpText={offerKind === "percentage" && p.maxPercentOff !== null ? `Your settings allow at most ${p.maxPercentOff}%.` : undefined}
                    />
                  ) : null}
                  {offerKind !== "none" ? (
                    <TextField
                      label="Each code valid for (days)"
                      name="offerExpiryDays"
                      autoComplete="off"
                      value={offerExpiryDays}
                      onChange={setOfferExpiryDays}
                      inputMode="numeric"
                      placeholder="7"
                      helpText={`At most ${p.maxExpiryDays} days in your settings.`}
                    />
                  ) : null}
                </FormLayout.Group>
                <TextField label="Name (optional)" name="name" autoComplete="off" value={name} onChange={setName} maxLength={100} placeholder="Named from the plan when blank" />
              </FormLayout>
            </Card>
          </Layout.Section>
          <Layout.Section>
            <BlockStack gap="200" inlineAlign="end">
              <Button submit variant="primary" loading={creating}>
                Propose the plan and write the emails
              </Button>
              <Text as="p" tone="subdued" variant="bodySm">
                Loopwise proposes the emails and their timing, then writes two versions of each. Nothing is sent until you approve it.
              </Text>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}
