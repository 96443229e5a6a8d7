// The merchant's segment rule language: a tree of AND/OR groups whose leaves are
// conditions, each a member of one discriminated union (`type`). Pure: zod only.
// Every rule that reaches the database has been through `parseRule`.
import { z } from "zod";

export const LIMITS = {
  maxDepth: 4, // groups nested in groups: the root group is depth 1
  maxConditions: 30,
  maxDays: 3650, // ten years
  maxCount: 10_000,
  maxMoney: 100_000_000_00, // minor units: 100 million in the shop's currency
  maxText: 255,
  maxValues: 20,
} as const;

// ---- fields -------------------------------------------------------------------

/** How a profile field's numbers read: it decides the bounds and how describe() words them. */
export type FieldKind = "count" | "money" | "days" | "probability" | "score";

export const PROFILE_FIELDS = {
  orderCount: { kind: "count", label: "number of orders" },
  refundCount: { kind: "count", label: "number of refunds" },
  totalSpent: { kind: "money", label: "total spent" },
  averageOrderValue: { kind: "money", label: "average order value" },
  predictedClv12m: { kind: "money", label: "predicted 12-month lifetime value" },
  daysSinceLastOrder: { kind: "days", label: "days since last order" },
  daysSinceFirstOrder: { kind: "days", label: "days since first order" },
  pAlive: { kind: "probability", label: "probability of being active" },
  recencyScore: { kind: "score", label: "recency score" },
  frequencyScore: { kind: "score", label: "frequency score" },
  monetaryScore: { kind: "score", label: "monetary score" },
} as const satisfies Record<string, { kind: FieldKind; label: string }>;

export type ProfileField = keyof typeof PROFILE_FIELDS;
const profileFieldNames = Object.keys(PROFILE_FIELDS) as [ProfileField, ...ProfileField[]];

export const NUMBER_OPS = ["gt", "gte", "lt", "lte", "eq", "neq", "between"] as const;
export type NumberOp = (typeof NUMBER_OPS)[number];

export const CHURN_RISKS = ["low", "medium", "high"] as const;
export type ChurnRisk = (typeof CHURN_RISKS)[number];

export const CONSENT_STATES = ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING", "REDACTED", "INVALID"] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

export const ACTIVITY_EVENTS = ["order", "productView", "addToCart"] as const;
export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number];

export const COUNT_OPS = ["atLeast", "atMost", "exactly"] as const;
export type CountOp = (typeof COUNT_OPS)[number];

// ---- schema -------------------------------------------------------------------

const text = z.string().trim().min(1, "must not be empty").max(LIMITS.maxText, `must be at most ${LIMITS.maxText} characters`);
const days = z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(LIMITS.maxDays, `must be at most ${LIMITS.maxDays} days`);
/** A Shopify product id: the number, or its gid (gid://shopify/Product/123), stored as the number. */
const shopifyProductId = z
  .string()
  .trim()
  .transform((s) => s.replace(/^gid:\/\/shopify\/Product\//, ""))
  .pipe(z.string().regex(/^\d{1,20}$/, "must be a Shopify product id (digits)"));

const profileCondition = z.object({
  type: z.literal("profile"),
  field: z.enum(profileFieldNames),
  op: z.enum(NUMBER_OPS),
  value: z.number().finite(),
  /** The upper bound, for `between` only (inclusive). */
  value2: z.number().finite().optional(),
});

const churnRiskCondition = z.object({
  type: z.literal("churnRisk"),
  op: z.enum(["in", "notIn"]),
  values: z.array(z.enum(CHURN_RISKS)).min(1, "choose at least one churn risk").max(3),
});

const lifecycleCondition = z.object({
  type: z.literal("lifecycleStage"),
  op: z.enum(["in", "notIn"]),
  values: z.array(text).min(1, "choose at least one lifecycle stage").max(LIMITS.maxValues),
});

const consentCondition = z.object({
  type: z.literal("emailConsent"),
  op: z.enum(["in", "notIn"]),
  states: z.array(z.enum(CONSENT_STATES)).min(1, "choose at least one consent state").max(CONSENT_STATES.length),
});

const tagCondition = z.object({
  type: z.literal("tag"),
  op: z.enum(["has", "hasNot"]),
  /** Matched against the customer's tags as a whole tag, ignoring case. */
  tag: text.refine((t) => !t.includes(","), "a tag cannot contain a comma"),
});

const productTarget = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("product"), productId: shopifyProductId }),
  /** Product type, collection (title or handle) and product tag match ignoring case. */
  z.object({ kind: z.literal("productType"), value: text }),
  z.object({ kind: z.literal("collection"), value: text }),
  z.object({ kind: z.literal("productTag"), value: text }),
]);

const boughtCondition = z.object({
  type: z.literal("bought"),
  op: z.enum(["did", "didNot"]),
  target: productTarget,
  /** Only orders in the last N days; absent: ever. */
  withinDays: days.optional(),
});

const activityCondition = z.object({
  type: z.literal("activity"),
  event: z.enum(ACTIVITY_EVENTS),
  op: z.enum(COUNT_OPS),
  count: z.number().int("must be a whole number").min(0, "must not be negative").max(LIMITS.maxCount, `must be at most ${LIMITS.maxCount}`),
  /** Only events in the last N days; absent: ever. */
  withinDays: days.optional(),
  /** Views and add-to-carts of this product only (not for orders: use `bought`). */
  productId: shopifyProductId.optional(),
});

export const conditionSchema = z.discriminatedUnion("type", [
  profileCondition,
  churnRiskCondition,
  lifecycleCondition,
  consentCondition,
  tagCondition,
  boughtCondition,
  activityCondition,
]);

export type Condition = z.infer<typeof conditionSchema>;
export type ProductTarget = z.infer<typeof productTarget>;
export type Group = { type: "group"; combinator: "and" | "or"; children: RuleNode[] };
export type RuleNode = Group | Condition;
/** A rule is its root group. */
export type Rule = Group;

// A node is a group when its `type` says so, else a condition: dispatching on `type`
// (rather than z.union) keeps the errors about the branch the input meant.
const nodeSchema: z.ZodType<RuleNode, z.ZodTypeDef, unknown> = z.unknown().transform((value, ctx) => {
  const isGroup = typeof value === "object" && value !== null && (value as { type?: unknown }).type === "group";
  const result = isGroup ? groupSchema.safeParse(value) : conditionSchema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: z.ZodIssueCode.custom, message: issue.message });
  return z.NEVER;
});
const groupSchema: z.ZodType<Group, z.ZodTypeDef, unknown> = z.object({
  type: z.literal("group"),
  combinator: z.enum(["and", "or"]),
  children: z.array(nodeSchema).min(1, "a group needs at least one condition"),
});

/** The whole rule: shape, then the limits and the per-field bounds. */
export const ruleSchema = groupSchema.superRefine((rule, ctx) => {
  let conditions = 0;
  const visit = (node: RuleNode, depth: number, path: (string | number)[]) => {
    if (node.type === "group") {
      if (depth > LIMITS.maxDepth) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: `groups may be nested at most ${LIMITS.maxDepth} deep` });
        return;
      }
      node.children.forEach((child, i) => visit(child, depth + 1, [...path, "children", i]));
      return;
    }
    conditions++;
    for (const message of conditionProblems(node)) ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  };
  visit(rule, 1, []);
  if (conditions > LIMITS.maxConditions) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [], message: `a rule may have at most ${LIMITS.maxConditions} conditions (it has ${conditions})` });
  }
});

/** Bounds the schema cannot say per field: the range of each profile field, `between`, the event/product pairing. */
function conditionProblems(c: Condition): string[] {
  if (c.type === "activity") {
    return c.event === "order" && c.productId !== undefined ? ["an order count cannot name a product: use “bought” instead"] : [];
  }
  if (c.type !== "profile") return [];
  const { label, kind } = PROFILE_FIELDS[c.field];
  const [min, max, integer] = fieldRange(kind);
  const problems: string[] = [];
  const values = c.op === "between" ? [c.value, c.value2] : [c.value];
  if (c.op === "between" && c.value2 === undefined) problems.push(`${label}: “between” needs an upper bound`);
  if (c.op !== "between" && c.value2 !== undefined) problems.push(`${label}: only “between” takes a second value`);
  for (const v of values) {
    if (v === undefined) continue;
    if (v < min || v > max) problems.push(`${label} must be between ${min} and ${max} (got ${v})`);
    else if (integer && !Number.isInteger(v)) problems.push(`${label} must be a whole number (got ${v})`);
  }
  if (c.op === "between" && c.value2 !== undefined && c.value2 < c.value) problems.push(`${label}: the lower bound (${c.value}) is above the upper bound (${c.value2})`);
  return problems;
}

function fieldRange(kind: FieldKind): [min: number, max: number, integer: boolean] {
  switch (kind) {
    case "count":
      return [0, LIMITS.maxCount, true];
    case "money":
      return [0, LIMITS.maxMoney, true];
    case "days":
      return [0, LIMITS.maxDays, true];
    case "probability":
      return [0, 1, false];
    case "score":
      return [1, 5, true];
    default:
      return assertUnreachable(kind);
  }
}

export type RuleResult = { ok: true; rule: Rule } | { ok: false; errors: string[] };

/** Validates untrusted input (a form, an LLM's output, a stored definition) into a Rule, with readable errors. */
export function parseRule(input: unknown): RuleResult {
  // Checked before zod walks the tree: a hostile input nested thousands deep must not recurse that far.
  if (nestedBeyond(input, LIMITS.maxDepth + 1)) return { ok: false, errors: [`groups may be nested at most ${LIMITS.maxDepth} deep`] };
  const result = ruleSchema.safeParse(input);
  if (result.success) return { ok: true, rule: result.data };
  const errors = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${where}${issue.message}`;
  });
  return { ok: false, errors: [...new Set(errors)] };
}

function nestedBeyond(value: unknown, budget: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  const children = (value as { children?: unknown }).children;
  if (!Array.isArray(children)) return false;
  if (budget <= 0) return true;
  return children.slice(0, LIMITS.maxConditions * 4).some((child) => nestedBeyond(child, budget - 1));
}

/** Every condition in the rule, with a stable key (its path in the tree), in reading order. */
export function conditionsOf(rule: Rule): Array<{ key: string; condition: Condition }> {
  const out: Array<{ key: string; condition: Condition }> = [];
  const visit = (node: RuleNode, key: string) => {
    if (node.type === "group") node.children.forEach((child, i) => visit(child, key === "" ? `${i}` : `${key}.${i}`));
    else out.push({ key, condition: node });
  };
  visit(rule, "");
  return out;
}

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

/** A rule of one group: the shape the builder and the parser produce most. */
export function all(...children: RuleNode[]): Rule {
  return { type: "group", combinator: "and", children };
}
export function any(...children: RuleNode[]): Group {
  return { type: "group", combinator: "or", children };
}
