// The plan on the review screen: in words (the service's planText), and an
// editor for what a merchant changes most (each email's delay, goal and angle;
// the offer and which emails carry it). Problems show while typing, from the
// same validation the server runs; the server's answer has the last word.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Checkbox, Divider, FormLayout, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import type { Plan } from "~/core/flows/plan/types";
import { draftProblems, editedPlan, isChanged, planDraft, withOfferKind, type OfferKind, type PlanDraft, type StepDraft } from "./plan-edit";
import { whenWords } from "./words";

export interface PlanActionResult {
  intent: string;
  ok: boolean;
  error?: string;
  problems?: string[];
}

interface Props {
  plan: Plan;
  planLines: string[];
  currency: string;
  /** The review route (POST intent "plan"). */
  action: string;
  /** Editing is closed while drafts are being written. */
  locked: boolean;
}

const OFFER_OPTIONS: Array<{ label: string; value: OfferKind }> = [
  { label: "No offer", value: "none" },
  { label: "Percentage off", value: "percentage" },
  { label: "Amount off", value: "fixed-amount" },
  { label: "Free shipping", value: "free-shipping" },
];

export function PlanEditor({ plan, planLines, currency, action, locked }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<PlanDraft>(() => planDraft(plan, currency));
  const save = useFetcher<PlanActionResult>();
  const problems = useMemo(() => (editing ? draftProblems(plan, draft, currency) : []), [editing, plan, draft, currency]);
  const changed = editing && isChanged(plan, draft, currency);
  const refused = save.state === "idle" && save.data?.intent === "plan" && !save.data.ok ? save.data : null;

  const open = () => {
    setDraft(planDraft(plan, currency));
    setEditing(true);
  };
  const setStep = (i: number, patch: Partial<StepDraft>) => setDraft((d) => ({ ...d, steps: d.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const submit = () => {
    const edited = editedPlan(plan, draft, currency);
    if (!edited.ok) return;
    save.submit({ intent: "plan", plan: JSON.stringify(edited.plan) }, { method: "post", action });
  };
  // Saved: back to the plan in words (the page reloads it as the new version). Refused: stay, with the server's problems.
  const saved = save.state === "idle" && save.data?.intent === "plan" && save.data.ok;
  useEffect(() => {
    if (saved) setEditing(false);
  }, [saved, save.data]);
  const [heading, ...rest] = planLines;

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            The plan
          </Text>
          {!editing ? (
            <Button onClick={open} disabled={locked}>
              Edit plan
            </Button>
          ) : null}
        </InlineStack>
        {refused ? (
          <Banner tone="critical" title={refused.error ?? "The plan was not saved"}>
            <ul data-plan-problems="">
              {(refused.problems ?? []).map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </Banner>
        ) : null}
        {!editing ? (
          <div data-plan-text="">
            <BlockStack gap="150">
              <Text as="p" fontWeight="semibold">
                {heading}
              </Text>
              {rest.map((line) => (
                <Text as="p" key={line} variant="bodySm">
                  {line}
                </Text>
              ))}
            </BlockStack>
          </div>
        ) : (
          <BlockStack gap="400">
            {plan.steps.map((step, i) => {
              const d = draft.steps[i]!;
              return (
                <Box key={step.id} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                  <FormLayout>
                    <Text as="h3" variant="headingSm">
                      Email {i + 1} · {plan.stages.find((s) => s.key === step.stage)?.name ?? step.stage} · now {whenWords(step)}
                    </Text>
                    <FormLayout.Group condensed>
                      <TextField label={`Email ${i + 1}: send after`} autoComplete="off" inputMode="numeric" value={d.amount} onChange={(amount) => setStep(i, { amount })} />
                      <Select
                        label={`Email ${i + 1}: unit`}
                        options={[
                          { label: "hours", value: "hours" },
                          { label: "days", value: "days" },
                        ]}
                        value={d.unit}
                        onChange={(unit) => setStep(i, { unit: unit === "hours" ? "hours" : "days" })}
                      />
                    </FormLayout.Group>
                    <TextField label={`Email ${i + 1}: goal`} autoComplete="off" value={d.goal} onChange={(goal) => setStep(i, { goal })} maxLength={300} />
                    <TextField label={`Email ${i + 1}: angle`} autoComplete="off" multiline={2} value={d.angle} onChange={(angle) => setStep(i, { angle })} maxLength={300} />
                    {draft.offerKind !== "none" ? (
                      <Checkbox label={`Email ${i + 1} carries the offer`} checked={d.incentive} onChange={(incentive) => setStep(i, { incentive })} />
                    ) : null}
                  </FormLayout>
                </Box>
              );
            })}
            <Divider />
            <FormLayout>
              <FormLayout.Group condensed>
                <Select label="Offer" options={OFFER_OPTIONS} value={draft.offerKind} onChange={(kind) => setDraft((d) => withOfferKind(d, kind as OfferKind, plan))} />
                {draft.offerKind === "percentage" || draft.offerKind === "fixed-amount" ? (
                  <TextField
                    label={draft.offerKind === "percentage" ? "Percent off" : `Amount off (${currency})`}
                    autoComplete="off"
                    inputMode="decimal"
                    value={draft.offerValue}
                    onChange={(offerValue) => setDraft((d) => ({ ...d, offerValue }))}
                  />
                ) : null}
                {draft.offerKind !== "none" ? (
                  <TextField
                    label="Each code valid for (days)"
                    autoComplete="off"
                    inputMode="numeric"
                    placeholder="7"
                    value={draft.offerExpiryDays}
                    onChange={(offerExpiryDays) => setDraft((d) => ({ ...d, offerExpiryDays }))}
                  />
                ) : null}
              </FormLayout.Group>
            </FormLayout>
            {problems.length > 0 ? (
              <Banner tone="warning" title="Fix these before saving">
                <ul data-plan-problems="">
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </Banner>
            ) : null}
            <InlineStack gap="200" align="end">
              <Button onClick={() => setEditing(false)}>Cancel</Button>
              <Button variant="primary" onClick={submit} disabled={!changed || problems.length > 0} loading={save.state !== "idle"}>
                Save plan
              </Button>
            </InlineStack>
            <Text as="p" variant="bodySm" tone="subdued">
              Saving makes a new version: emails whose goal, angle or offer changed are written again, and the campaign needs approving again.
            </Text>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
