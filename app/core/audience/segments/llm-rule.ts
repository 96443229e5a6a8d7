// What the model is asked for when it turns a merchant's words into a segment
// rule, and how its answer becomes a Rule. Pure.
//
// Strict structured output needs every key present, and models fill flat
// objects more reliably than deep unions, so the model answers in a flat shape:
// a root and/or over conditions, plus one level of groups ("A and (B or C)"),
// each condition one object with every field (null where unused). It is then
// converted to our Rule and checked by parseRule; problems go back to the model
// with the condition they concern. Free-text values (tags, collection names,
// product types, product ids) must come from the merchant's own words: the model
// may not invent them, and anything hostile it writes there is refused.
import { z } from "zod";
import { DATA_RULE, dataBlock } from "~/core/llm/llm";
import { STAGE_PRIORITY } from "~/core/audience/profiles/lifecycle";
import {
  ACTIVITY_EVENTS,
  CHURN_RISKS,
  CONSENT_STATES,
  COUNT_OPS,
  NUMBER_OPS,
  PROFILE_FIELDS,
  parseRule,
  type ProfileField,
  type RuleResult,
} from "./rule";

const CONDITION_TYPES = ["profile", "churnRisk", "lifecycleStage", "emailConsent", "tag", "bought", "activity"] as const;
const OPS = [...NUMBER_OPS, "in", "notIn", "has", "hasNot", "did", "didNot", ...COUNT_OPS] as const;
const VALUES = [...CHURN_RISKS, ...CONSENT_STATES, ...STAGE_PRIORITY] as const;
const TARGETS = ["product", "productType", "collection", "productTag"] as const;
const FIELDS = Object.keys(PROFILE_FIELDS) as [ProfileField, ...ProfileField[]];

const modelCondition = z.object({
  type: z.enum(CONDITION_TYPES),
  op: z.enum(OPS),
  field: z.enum(FIELDS).nullable(),
  value: z.number().nullable(),
  value2: z.number().nullable(),
  values: z.array(z.enum(VALUES)).nullable(),
  text: z.string().nullable(),
  target: z.enum(TARGETS).nullable(),
  productId: z.string().nullable(),
  event: z.enum(ACTIVITY_EVENTS).nullable(),
  count: z.number().int().nullable(),
  withinDays: z.number().int().nullable(),
});

export const modelAnswerSchema = z.object({
  combinator: z.enum(["and", "or"]),
  conditions: z.array(modelCondition),
  groups: z.array(z.object({ combinator: z.enum(["and", "or"]), conditions: z.array(modelCondition) })),
  unsupported: z.string().nullable(),
});

export type ModelCondition = z.infer<typeof modelCondition>;
export type ModelAnswer = z.infer<typeof modelAnswerSchema>;

export type ConvertOptions = { /** digits after the decimal point in the shop's currency (money is asked for in main units) */ moneyExponent?: number };

const KIND_WORDS = {
  count: "a whole number",
  money: "money in the store currency's main unit (200 means $200)",
  days: "whole days",
  probability: "a probability from 0 to 1",
  score: "a score from 1 (worst) to 5 (best)",
} as const;

/** The system prompt: the rule language, today's date, and the data rule. */
export function systemPrompt(now: Date): string {
  const fields = Object.entries(PROFILE_FIELDS).map(([name, f]) => `  - ${name}: ${f.label}, ${KIND_WORDS[f.kind]}`);
  return [
    "You turn a merchant's description of a group of their customers into a segment rule for an email marketing app on a Shopify store.",
    DATA_RULE,
    `Today is ${now.toISOString().slice(0, 10)}.`,
    "The rule is an and/or (`combinator`) over `conditions`, plus `groups` (each an and/or over conditions) for mixes such as “A and (B or C)”. Every key is present: use null for the keys a condition does not use, [] for no groups.",
    "Condition types (`type`), with the keys each uses:",
    "- profile: `field`, `op` (gt, gte, lt, lte, eq, neq, between), `value`, and `value2` for between (inclusive). Fields:",
    ...fields,
    "- churnRisk: `op` in or notIn, `values` from low, medium, high.",
    `- lifecycleStage: \`op\` in or notIn, \`values\` from ${STAGE_PRIORITY.join(", ")}.`,
    `- emailConsent: \`op\` in or notIn, \`values\` from ${CONSENT_STATES.join(", ")} (subscribers: in SUBSCRIBED).`,
    "- tag: `op` has or hasNot, `text` the customer tag.",
    "- bought: `op` did or didNot, `target` product (with `productId`, digits), productType, collection or productTag (with `text`, the name), `withinDays` or null for ever.",
    "- activity: `event` order, productView or addToCart, `op` atLeast, atMost or exactly, `count`, `withinDays` or null for ever, `productId` only for productView and addToCart.",
    "Use only tags, names and product ids that appear in the merchant's words. Periods become days: a week is 7, a month 30, a year 365; “since” a date counts the days from then to today.",
    "Add no condition the merchant did not ask for. If the request needs something these conditions cannot say (a country, an email opened, a discount used…), put a short reason in `unsupported` and leave `conditions` and `groups` empty; otherwise `unsupported` is null.",
  ].join("\n");
}

/** The user message: the merchant's words as a data element. */
export function userPrompt(text: string): string {
  return `Turn this merchant request into a segment rule:\n${dataBlock("merchant_request", text)}`;
}

/** The model's condition in our rule language (unused keys dropped; parseRule judges the rest). */
export function toCondition(c: ModelCondition, options: ConvertOptions = {}): Record<string, unknown> {
  const some = <T,>(v: T | null) => (v === null ? undefined : v);
  const within = c.withinDays === null ? {} : { withinDays: c.withinDays };
  switch (c.type) {
    case "profile": {
      const money = c.field !== null && PROFILE_FIELDS[c.field].kind === "money";
      const scale = (v: number | null) => (v === null ? undefined : money ? Math.round(v * 10 ** (options.moneyExponent ?? 2)) : v);
      return { type: c.type, field: some(c.field), op: c.op, value: scale(c.value), ...(c.value2 === null ? {} : { value2: scale(c.value2) }) };
    }
    case "churnRisk":
    case "lifecycleStage":
      return { type: c.type, op: c.op, values: some(c.values) };
    case "emailConsent":
      return { type: c.type, op: c.op, states: some(c.values) };
    case "tag":
      return { type: c.type, op: c.op, tag: some(c.text) };
    case "bought": {
      const target = c.target === "product" ? { kind: "product", productId: some(c.productId) } : { kind: some(c.target), value: some(c.text) };
      return { type: c.type, op: c.op, target, ...within };
    }
    case "activity":
      return { type: c.type, event: some(c.event), op: c.op, count: some(c.count), ...within, ...(c.productId === null ? {} : { productId: c.productId }) };
  }
}

/** The answer as a rule object (not yet validated). */
export function toRule(answer: ModelAnswer, options: ConvertOptions = {}): unknown {
  return {
    type: "group",
    combinator: answer.combinator,
    children: [
      ...answer.conditions.map((c) => toCondition(c, options)),
      ...answer.groups.map((g) => ({ type: "group", combinator: g.combinator, children: g.conditions.map((c) => toCondition(c, options)) })),
    ],
  };
}

/** Whether the model says the request cannot be expressed. */
export function unsupportedReason(answer: ModelAnswer): string | null {
  const reason = answer.unsupported?.trim() ?? "";
  return reason === "" ? null : reason;
}

/** Everything wrong with an answer, named by where it is, for the model to fix; [] when it is usable. */
export function answerProblems(answer: ModelAnswer, merchantText: string, options: ConvertOptions = {}): string[] {
  if (unsupportedReason(answer) !== null) return [];
  const located: Array<[string, ModelCondition]> = [
    ...answer.conditions.map((c, i): [string, ModelCondition] => [`conditions[${i}]`, c]),
    ...answer.groups.flatMap((g, gi) => g.conditions.map((c, i): [string, ModelCondition] => [`groups[${gi}].conditions[${i}]`, c])),
  ];
  if (located.length === 0) return ["there is no condition: give at least one, or say why in `unsupported`"];
  const problems: string[] = [];
  answer.groups.forEach((g, gi) => g.conditions.length === 0 && problems.push(`groups[${gi}]: a group needs at least one condition`));
  for (const [where, c] of located) {
    const alone = parseRule({ type: "group", combinator: "and", children: [toCondition(c, options)] });
    if (!alone.ok) problems.push(...alone.errors.map((e) => `${where}: ${e.replace(/^children\.0\.?/, "").replace(/^: /, "")}`));
    for (const [label, value] of freeText(c)) {
      if (!grounded(value, merchantText)) problems.push(`${where}: the ${label} “${value.slice(0, 60)}” is not in the merchant's words; use only names they wrote`);
    }
  }
  if (problems.length > 0) return problems;
  const whole = checkedRule(answer, options);
  return whole.ok ? [] : whole.errors;
}

export function checkedRule(answer: ModelAnswer, options: ConvertOptions = {}): RuleResult {
  return parseRule(toRule(answer, options));
}

function freeText(c: ModelCondition): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (c.type === "tag" && c.text !== null) out.push(["tag", c.text]);
  if (c.type === "bought" && c.target !== "product" && c.text !== null) out.push(["name", c.text]);
  if ((c.type === "bought" || c.type === "activity") && c.productId !== null) out.push(["product id", c.productId.replace(/^gid:\/\/shopify\/Product\//, "")]);
  return out;
}

const tokens = (s: string) => s.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
const stems = (w: string) => [w, w.replace(/s$/, ""), w.replace(/es$/, "")];

/**
 * A value the merchant wrote: found in their words as it is (ignoring case), or
 * every word of it found there (allowing a plural "s"/"es") with no symbol the
 * merchant did not type (so “<vip>” is refused unless they typed “<”).
 */
export function grounded(value: string, merchantText: string): boolean {
  const v = value.normalize("NFKC").trim().toLowerCase();
  const text = merchantText.normalize("NFKC").toLowerCase();
  if (v === "") return false;
  if (text.includes(v)) return true;
  const symbols = v.replace(/[\p{L}\p{N}\s]/gu, "");
  if ([...symbols].some((ch) => !text.includes(ch))) return false;
  const known = new Set(tokens(text).flatMap(stems));
  const words = tokens(v);
  return words.length > 0 && words.every((w) => stems(w).some((s) => known.has(s)));
}
