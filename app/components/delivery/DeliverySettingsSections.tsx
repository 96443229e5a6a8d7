// The Settings page's delivery sections, each its own form (posted with an
// intent to the Settings action): sending limits and timing, the cart-recovery
// audience, the SendGrid API key (write-only), and the event-webhook URL.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { CART_RECOVERY_CHOICES, CART_RECOVERY_LAW, type DeliveryField, type DeliveryFieldErrors, type DeliveryFields } from "./delivery-form";

export interface DeliverySettingsData {
  fields: DeliveryFields;
  sendgrid: { source: "shop" | "app" | "local-fake" | "none"; last4: string | null };
  webhookUrl: string;
}

type Result =
  | { intent: string; ok: true; view: DeliverySettingsData }
  | { intent: string; ok: false; fields: DeliveryFieldErrors & { sendgridApiKey?: string }; form: string[] };

const HOURS = Array.from({ length: 24 }, (_, h) => ({ label: `${String(h).padStart(2, "0")}:00`, value: String(h) }));

const SOURCE_WORDS: Record<DeliverySettingsData["sendgrid"]["source"], string> = {
  shop: "Your own SendGrid account",
  app: "Loopwise's SendGrid account",
  "local-fake": "The local test SendGrid (nothing reaches real inboxes)",
  none: "No SendGrid key: nothing can be sent",
};

export function DeliverySettingsSections({ initial }: { initial: DeliverySettingsData }) {
  const [view, setView] = useState(initial);
  useEffect(() => setView(initial), [initial]);
  return (
    <>
      <SendingLimits view={view} onSaved={setView} />
      <SendgridKey view={view} onSaved={setView} />
      <Layout.AnnotatedSection title="SendGrid event webhook" description="So opens, clicks, bounces, unsubscribes and spam reports come back to Loopwise.">
        <Card>
          <BlockStack gap="200">
            <TextField label="Event webhook URL" value={view.webhookUrl} readOnly autoComplete="off" name="webhookUrl" selectTextOnFocus />
            <Text as="p" variant="bodySm" tone="subdued">
              In SendGrid: Settings → Mail Settings → Event Webhook. Paste this URL as the Post URL, tick every engagement and delivery event, and turn on Signed Event
              Webhook (Loopwise refuses unsigned events). The address is private to your store: do not share it.
            </Text>
          </BlockStack>
        </Card>
      </Layout.AnnotatedSection>
    </>
  );
}

function SendingLimits({ view, onSaved }: { view: DeliverySettingsData; onSaved: (v: DeliverySettingsData) => void }) {
  const save = useFetcher<Result>();
  const [fields, setFields] = useState<DeliveryFields>(view.fields);
  const [saved, setSaved] = useState(false);
  const result = save.state === "idle" ? save.data : undefined;
  const errors: DeliveryFieldErrors = result && !result.ok ? result.fields : {};
  useEffect(() => {
    if (result?.ok) {
      setFields(result.view.fields);
      onSaved(result.view);
      setSaved(true);
    }
  }, [result, onSaved]);
  const set = (key: DeliveryField) => (value: string) => {
    setSaved(false);
    setFields((f) => ({ ...f, [key]: value }));
  };
  return (
    <Layout.AnnotatedSection title="Sending limits" description="How often one person may hear from you, and when. Cart recovery and other flows come before campaigns when limits bite.">
      <Card>
        <save.Form method="post" noValidate>
          <input type="hidden" name="intent" value="delivery" />
          <FormLayout>
            {result && !result.ok && result.form.length > 0 ? (
              <Banner tone="critical" title="Not saved">
                <ul>
                  {result.form.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </Banner>
            ) : null}
            <FormLayout.Group>
              <TextField
                label="Smart sending"
                name="smartSendingHours"
                type="number"
                suffix="hours"
                autoComplete="off"
                value={fields.smartSendingHours}
                onChange={set("smartSendingHours")}
                error={errors.smartSendingHours}
                helpText="No second marketing email to a person within this many hours (0 turns it off)."
              />
              <TextField
                label="Weekly maximum"
                name="weeklyMax"
                type="number"
                suffix="emails"
                autoComplete="off"
                value={fields.weeklyMax}
                onChange={set("weeklyMax")}
                error={errors.weeklyMax}
                helpText="Marketing emails per person in any 7 days."
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <Select label="Quiet hours from" name="quietStart" options={HOURS} value={fields.quietStart} onChange={set("quietStart")} error={errors.quietStart} />
              <Select
                label="Quiet hours until"
                name="quietEnd"
                options={HOURS}
                value={fields.quietEnd}
                onChange={set("quietEnd")}
                error={errors.quietEnd}
                helpText="In each recipient's own time zone; the same hour twice means no quiet hours."
              />
            </FormLayout.Group>
            <TextField
              label="Abandoned checkout after"
              name="abandonedCheckoutMinutes"
              type="number"
              suffix="minutes"
              autoComplete="off"
              value={fields.abandonedCheckoutMinutes}
              onChange={set("abandonedCheckoutMinutes")}
              error={errors.abandonedCheckoutMinutes}
              helpText="How long after a checkout's last change, with no order, before cart recovery starts."
            />
            <Select
              label="Cart-recovery emails go to"
              name="cartRecoveryAudience"
              options={CART_RECOVERY_CHOICES.map((c) => ({ label: c.label, value: c.value }))}
              value={fields.cartRecoveryAudience}
              onChange={set("cartRecoveryAudience")}
              error={errors.cartRecoveryAudience}
              helpText={CART_RECOVERY_LAW}
            />
            <InlineStack align="end" gap="300" blockAlign="center">
              {saved ? (
                <Text as="span" tone="success">
                  <span data-delivery-saved="">Saved</span>
                </Text>
              ) : null}
              <Button submit loading={save.state !== "idle"}>
                Save sending limits
              </Button>
            </InlineStack>
          </FormLayout>
        </save.Form>
      </Card>
    </Layout.AnnotatedSection>
  );
}

function SendgridKey({ view, onSaved }: { view: DeliverySettingsData; onSaved: (v: DeliverySettingsData) => void }) {
  const save = useFetcher<Result>();
  const [key, setKey] = useState("");
  const result = save.state === "idle" ? save.data : undefined;
  useEffect(() => {
    if (result?.ok) {
      onSaved(result.view);
      setKey("");
    }
  }, [result, onSaved]);
  const { source, last4 } = view.sendgrid;
  return (
    <Layout.AnnotatedSection
      title="SendGrid"
      description="Emails go out through SendGrid. Use your own account's API key (with Mail Send permission) so your sender reputation is your own."
    >
      <Card>
        <save.Form method="post" noValidate autoComplete="off">
          <BlockStack gap="300">
            <Text as="p">
              <span data-sendgrid-source={source}>{SOURCE_WORDS[source]}</span>
              {last4 ? (
                <Text as="span" tone="subdued">
                  {" · key ending "}
                  <span data-sendgrid-last4="">{last4}</span>
                </Text>
              ) : null}
            </Text>
            <TextField
              label={source === "shop" ? "Replace the API key" : "API key"}
              name="sendgridApiKey"
              type="password"
              autoComplete="new-password"
              value={key}
              onChange={setKey}
              placeholder="SG.…"
              error={result && !result.ok ? result.fields.sendgridApiKey : undefined}
              helpText="Stored encrypted and never shown again: only its last four characters."
            />
            <InlineStack gap="200" align="end">
              {source === "shop" ? (
                <Button
                  tone="critical"
                  variant="plain"
                  onClick={() => save.submit({ intent: "sendgrid-key-remove" }, { method: "post" })}
                  disabled={save.state !== "idle"}
                >
                  Remove my key
                </Button>
              ) : null}
              <Button submit loading={save.state !== "idle"}>
                Save API key
              </Button>
            </InlineStack>
            <input type="hidden" name="intent" value="sendgrid-key" />
          </BlockStack>
        </save.Form>
      </Card>
    </Layout.AnnotatedSection>
  );
}
