// One condition of the segment builder: its type, then the controls that type's
// schema (rule.ts) asks for. Values are kept as typed; rule-draft.ts converts.
import type { ReactNode } from "react";
import { Box, Button, Checkbox, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { ACTIVITY_EVENTS, CHURN_RISKS, CONSENT_STATES, PROFILE_FIELDS, type ProfileField } from "~/core/audience/segments/rule";
import { STAGE_PRIORITY } from "~/core/audience/profiles/lifecycle";
import {
  ACTIVITY_LABELS,
  CONDITION_TYPES,
  OPS,
  TARGET_KINDS,
  changeType,
  fieldUnit,
  type ConditionType,
  type DraftCondition,
  type TargetKind,
} from "./rule-draft";

const FIELD_OPTIONS = (Object.keys(PROFILE_FIELDS) as ProfileField[]).map((f) => ({ value: f, label: capitalize(PROFILE_FIELDS[f].label) }));
const EVENT_OPTIONS = ACTIVITY_EVENTS.map((e) => ({ value: e, label: ACTIVITY_LABELS[e] }));

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "at-risk" → "At risk". */
export const stageLabel = (key: string) => capitalize(key.replace(/-/g, " "));
const consentLabel = (state: string) => capitalize(state.toLowerCase().replace(/_/g, " "));

export interface ConditionRowProps {
  condition: DraftCondition;
  /** Its number in reading order, as errors name it. */
  number: number;
  currency: string;
  onChange(next: DraftCondition): void;
  onRemove(): void;
}

export function ConditionRow({ condition: c, number, currency, onChange, onRemove }: ConditionRowProps) {
  const label = (what: string) => `Condition ${number}: ${what}`;
  const set = (patch: Partial<DraftCondition>) => onChange({ ...c, ...patch });
  const op = (
    <Select label={label("operator")} labelHidden options={[...OPS[c.type]]} value={c.op} onChange={(value) => set({ op: value })} />
  );
  const days = (
    <TextField
      label={label("in the last … days")}
      labelHidden
      autoComplete="off"
      inputMode="numeric"
      prefix="in the last"
      suffix="days"
      placeholder="any time"
      value={c.withinDays}
      onChange={(value) => set({ withinDays: value })}
    />
  );
  const choices = (options: readonly string[], show: (v: string) => string) => (
    <InlineStack gap="300" wrap>
      {options.map((o) => (
        <Checkbox
          key={o}
          label={show(o)}
          checked={c.choices.includes(o)}
          onChange={(checked) => set({ choices: checked ? [...c.choices, o] : c.choices.filter((x) => x !== o) })}
        />
      ))}
    </InlineStack>
  );

  let controls: ReactNode;
  switch (c.type) {
    case "profile": {
      const unit = fieldUnit(c.field, currency);
      const value = (key: "value" | "value2", what: string) => (
        <TextField
          label={label(what)}
          labelHidden
          autoComplete="off"
          inputMode="decimal"
          suffix={unit}
          value={c[key]}
          onChange={(v) => set({ [key]: v })}
        />
      );
      controls = (
        <>
          <Select label={label("field")} labelHidden options={FIELD_OPTIONS} value={c.field} onChange={(v) => set({ field: v as ProfileField })} />
          {op}
          {value("value", "value")}
          {c.op === "between" ? (
            <>
              <Text as="span">and</Text>
              {value("value2", "upper bound")}
            </>
          ) : null}
        </>
      );
      break;
    }
    case "activity":
      controls = (
        <>
          <Select label={label("event")} labelHidden options={EVENT_OPTIONS} value={c.event} onChange={(v) => set({ event: v as DraftCondition["event"] })} />
          {op}
          <TextField label={label("count")} labelHidden autoComplete="off" inputMode="numeric" suffix="times" value={c.count} onChange={(v) => set({ count: v })} />
          {days}
          {c.event !== "order" ? (
            <TextField
              label={label("product id")}
              labelHidden
              autoComplete="off"
              placeholder="any product (or a Shopify product id)"
              value={c.productId}
              onChange={(v) => set({ productId: v })}
            />
          ) : null}
        </>
      );
      break;
    case "bought":
      controls = (
        <>
          {op}
          <Select label={label("what")} labelHidden options={[...TARGET_KINDS]} value={c.targetKind} onChange={(v) => set({ targetKind: v as TargetKind })} />
          <TextField
            label={label(c.targetKind === "product" ? "product id" : "name")}
            labelHidden
            autoComplete="off"
            placeholder={c.targetKind === "product" ? "Shopify product id" : "e.g. Outerwear"}
            value={c.target}
            onChange={(v) => set({ target: v })}
          />
          {days}
        </>
      );
      break;
    case "churnRisk":
      controls = (
        <>
          {op}
          {choices(CHURN_RISKS, capitalize)}
        </>
      );
      break;
    case "lifecycleStage":
      controls = (
        <>
          {op}
          {choices(STAGE_PRIORITY, stageLabel)}
        </>
      );
      break;
    case "emailConsent":
      controls = (
        <>
          {op}
          {choices(CONSENT_STATES, consentLabel)}
        </>
      );
      break;
    case "tag":
      controls = (
        <>
          {op}
          <TextField label={label("tag")} labelHidden autoComplete="off" placeholder="e.g. vip" value={c.tag} onChange={(v) => set({ tag: v })} />
        </>
      );
      break;
  }

  return (
    <Box padding="300" background="bg-surface-secondary" borderRadius="200">
      <div data-condition={number} data-condition-type={c.type}>
        <InlineStack gap="200" blockAlign="center" wrap>
          <Text as="span" variant="bodySm" tone="subdued">
            {number}.
          </Text>
          <Select
            label={label("type")}
            labelHidden
            options={CONDITION_TYPES.map((t) => ({ value: t.value, label: t.label }))}
            value={c.type}
            onChange={(v) => onChange(changeType(c, v as ConditionType))}
          />
          {controls}
          <Button variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={`Remove condition ${number}`}>
            Remove
          </Button>
        </InlineStack>
      </div>
    </Box>
  );
}
