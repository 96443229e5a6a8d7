// Settings → Attribution: the click window, whether human opens count (never
// machine opens), and the open window, with the rule in words as the
// dashboard states it. Saving applies the rule to past orders too (a job).
import { useFetcher } from "@remix-run/react";
import { Banner, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { AttributionFields, AttributionSettingsResult, AttributionSettingsView } from "./attribution-form";

export function AttributionSettingsSection({ initial }: { initial: AttributionSettingsView }) {
  const save = useFetcher<AttributionSettingsResult>();
  const [fields, setFields] = useState<AttributionFields>(initial.fields);
  const [text, setText] = useState(initial.text);
  const result = save.state === "idle" ? save.data : undefined;
  const errors = result && !result.ok ? result.fields : {};

  useEffect(() => {
    if (result?.ok) {
      setFields(result.view.fields);
      setText(result.view.text);
    }
  }, [result]);

  const set = <K extends keyof AttributionFields>(key: K) => (value: AttributionFields[K]) => setFields((f) => ({ ...f, [key]: value }));
  return (
    <Layout.AnnotatedSection
      title="Attribution"
      description="Which orders count as revenue from your emails. A change applies to past orders too: the dashboard is recomputed after you save."
    >
      <Card>
        <save.Form method="post" noValidate>
          <input type="hidden" name="intent" value="attribution" />
          <FormLayout>
            <TextField
              label="Attribution window"
              name="windowDays"
              type="number"
              suffix="days"
              autoComplete="off"
              value={fields.windowDays}
              onChange={set("windowDays")}
              error={errors.windowDays}
              helpText="An order placed this long after a click on one of our emails is credited to it (1 to 30 days)."
            />
            <Checkbox
              label="Count opens when no click explains an order"
              name="countOpens"
              checked={fields.countOpens}
              onChange={set("countOpens")}
              error={errors.countOpens}
              helpText="Only opens by people: machine opens (Apple Mail privacy and the like) never count."
            />
            <TextField
              label="Open window"
              name="openWindowDays"
              type="number"
              suffix="days"
              autoComplete="off"
              value={fields.openWindowDays}
              onChange={set("openWindowDays")}
              error={errors.openWindowDays}
              disabled={!fields.countOpens}
              helpText="How long after an open an order is credited to it, when opens count."
            />
            {/* A disabled field is not posted: keep its value. */}
            {!fields.countOpens ? <input type="hidden" name="openWindowDays" value={fields.openWindowDays} /> : null}
            {errors.attribution ? (
              <Banner tone="critical">
                <p>{errors.attribution}</p>
              </Banner>
            ) : null}
            <Text as="p" variant="bodySm" tone="subdued">
              <span data-attribution-rule="">{text}</span>
            </Text>
            <InlineStack align="end" gap="300" blockAlign="center">
              {result?.ok ? (
                <Text as="span" tone="success">
                  <span data-attribution-saved="">
                    {result.changed ? "Saved. Past orders are being re-credited under the new rule: Home follows in a minute or two." : "Saved."}
                  </span>
                </Text>
              ) : null}
              <Button submit loading={save.state !== "idle"}>
                Save attribution
              </Button>
            </InlineStack>
          </FormLayout>
        </save.Form>
      </Card>
    </Layout.AnnotatedSection>
  );
}
