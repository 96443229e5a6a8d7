import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, Box, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState, type ComponentProps } from "react";
import { requireShop } from "../../core/shopify/require-shop.server";
import type { FieldErrors, SettingsField, SettingsFields } from "../../components/campaigns/settings-form";
import { DeliverySettingsSections } from "../../components/delivery/DeliverySettingsSections";
import { loadSettingsView, saveSettingsForm, type SettingsResult } from "./settings.server";
import { handleDeliverySettingsForm, isDeliverySettingsIntent, loadDeliverySettingsView } from "./delivery.server";
import { AttributionSettingsSection } from "../../components/reports/AttributionSettingsSection";
import { ATTRIBUTION_INTENT, handleAttributionSettingsForm, loadAttributionSettingsView } from "./attribution.server";

// Keeps Shopify's auth headers on this route's own responses (see app._index).
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: "Settings · Loopwise" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const [settings, delivery, attribution] = await Promise.all([loadSettingsView(shop), loadDeliverySettingsView(shop), loadAttributionSettingsView(shop)]);
  return { ...settings, delivery, attribution };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  // The delivery sections post their own forms, with an intent.
  if (isDeliverySettingsIntent(form.get("intent"))) {
    const result = await handleDeliverySettingsForm(shop, form);
    return data(result, { status: result.ok ? 200 : 422 });
  }
  // The attribution section: saving a new rule re-credits past orders (see attribution.server.ts).
  if (form.get("intent") === ATTRIBUTION_INTENT) {
    const result = await handleAttributionSettingsForm(shop, form);
    return data(result, { status: result.ok ? 200 : 422 });
  }
  const result = await saveSettingsForm(shop, form);
  return data(result, { status: result.ok ? 200 : 422 });
};

export default function Settings() {
  const view = useLoaderData<typeof loader>();
  const save = useFetcher<SettingsResult>();
  const [fields, setFields] = useState<SettingsFields>(view.fields);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const result = save.state === "idle" ? save.data : undefined;
  const errors: FieldErrors = result && !result.ok ? result.fields : {};

  // A successful save shows the settings as stored (lists trimmed, amounts formatted).
  useEffect(() => {
    if (result?.ok) {
      setFields(result.view.fields);
      setSavedAt(Date.now());
    }
  }, [result]);

  const set = (key: SettingsField) => (value: string | boolean) => {
    setSavedAt(null);
    setFields((f) => ({ ...f, [key]: value }));
  };
  const text = (key: Exclude<SettingsField, "allowDiscounts" | "allowFreeShipping">, label: string, extra: Partial<ComponentProps<typeof TextField>> = {}) => (
    <TextField label={label} name={key} autoComplete="off" value={fields[key]} onChange={set(key)} error={errors[key]} {...extra} />
  );
  const missing = result?.ok ? result.view.missing : view.missing;

  return (
    <Page title="Settings" backAction={{ content: "Home", url: "/app" }}>
      {/* noValidate: the server's message beside each field, not the browser's bubble. */}
      <save.Form method="post" noValidate>
        <Layout>
          {missing.length > 0 ? (
            <Layout.Section>
              <Banner tone="warning" title="Needed before anything can be sent">
                <p data-settings-missing="">Add {missing.join(" and ")}.</p>
              </Banner>
            </Layout.Section>
          ) : null}
          {result && !result.ok ? (
            <Layout.Section>
              <Banner tone="critical" title="Not saved: fix the fields marked below">
                {result.form.length > 0 ? (
                  <ul>
                    {result.form.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                ) : null}
              </Banner>
            </Layout.Section>
          ) : null}
          <Layout.AnnotatedSection title="Brand voice" description="Applied to every email Loopwise writes, and checked on every draft.">
            <Card>
              <FormLayout>
                {text("toneWords", "Tone words", { helpText: "How the brand sounds, separated by commas: warm, playful, expert." })}
                {text("wordsToUse", "Words to use", { helpText: "Words and phrases the brand likes, separated by commas." })}
                {text("wordsToAvoid", "Words to avoid", { helpText: "Never appear in a draft; a draft that uses one is flagged." })}
                {text("sample1", "Sample copy", { multiline: 3, helpText: "Up to three examples of your own copy: used for style, never for facts." })}
                {text("sample2", "Second sample (optional)", { multiline: 2 })}
                {text("sample3", "Third sample (optional)", { multiline: 2 })}
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title="Sender" description="Who the emails come from, and the postal address every email's footer must show.">
            <Card>
              <FormLayout>
                {text("senderName", "Sender name", { helpText: "As recipients see it, e.g. “Maya at Acme”." })}
                {text("senderEmail", "Sender email", { type: "email", autoComplete: "email" })}
                {text("postalAddress", "Footer postal address", { multiline: 2, helpText: "Required by anti-spam law in every marketing email." })}
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title="Incentives" description="The most any campaign or flow may offer. Each recipient gets their own single-use code.">
            <Card>
              <FormLayout>
                <Checkbox label="Allow discounts" name="allowDiscounts" checked={fields.allowDiscounts} onChange={set("allowDiscounts")} error={errors.allowDiscounts} />
                <FormLayout.Group>
                  {text("maxPercentOff", "Largest percentage off", { type: "number", suffix: "%", helpText: "Blank for no limit (90% at most)." })}
                  {text("maxAmountOff", `Largest amount off (${view.currency})`, { inputMode: "decimal" })}
                </FormLayout.Group>
                <Checkbox label="Allow free shipping" name="allowFreeShipping" checked={fields.allowFreeShipping} onChange={set("allowFreeShipping")} error={errors.allowFreeShipping} />
                {text("maxExpiryDays", "Codes expire within", { type: "number", suffix: "days" })}
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.Section>
            <InlineStack align="end" gap="300" blockAlign="center">
              {savedAt !== null ? (
                <Text as="span" tone="success">
                  <span data-settings-saved="">Saved</span>
                </Text>
              ) : null}
              <Button submit variant="primary" loading={save.state !== "idle"}>
                Save settings
              </Button>
            </InlineStack>
          </Layout.Section>
        </Layout>
      </save.Form>
      <Box paddingBlockStart="500">
        <Layout>
          <DeliverySettingsSections initial={view.delivery} />
          <AttributionSettingsSection initial={view.attribution} />
        </Layout>
      </Box>
    </Page>
  );
}
