// The segment builder's editable state: a tree shaped like a rule, but holding
// what the merchant typed (numbers as text, money in the shop's major unit,
// probabilities in percent). Pure: `toRuleInput` turns it into the JSON the
// server validates with parseRule; `fromRule` loads a rule (a saved segment, or
// the natural-language parser's answer) back into it.
import { toMinorUnits, currencyExponent } from "~/core/ingest/money";
import {
  LIMITS,
  PROFILE_FIELDS,
  type ActivityEvent,
  type Condition,
  type ProductTarget,
  type ProfileField,
  type Rule,
  type RuleNode,
} from "~/core/audience/segments/rule";

export type ConditionType = Condition["type"];
export type TargetKind = ProductTarget["kind"];

export interface DraftCondition {
  kind: "condition";
  /** A React key, stable while the node lives. */
  key: string;
  type: ConditionType;
  op: string;
  // profile
  field: ProfileField;
  value: string;
  value2: string;
  // churnRisk, lifecycleStage, emailConsent
  choices: string[];
  // tag
  tag: string;
  // bought
  targetKind: TargetKind;
  target: string;
  // bought, activity
  withinDays: string;
  // activity
  event: ActivityEvent;
  count: string;
  productId: string;
}

export interface DraftGroup {
  kind: "group";
  key: string;
  combinator: "and" | "or";
  children: DraftNode[];
}

export type DraftNode = DraftGroup | DraftCondition;

export const CONDITION_TYPES: ReadonlyArray<{ value: ConditionType; label: string }> = [
  { value: "profile", label: "Orders, spend, scores or predictions" },
  { value: "activity", label: "Orders, views or add-to-carts in a period" },
  { value: "bought", label: "Bought a product, type or collection" },
  { value: "churnRisk", label: "Churn risk" },
  { value: "lifecycleStage", label: "Lifecycle stage" },
  { value: "emailConsent", label: "Email marketing consent" },
  { value: "tag", label: "Customer tag" },
];

/** Each condition type's operators, in the words the builder shows. */
export const OPS: Record<ConditionType, ReadonlyArray<{ value: string; label: string }>> = {
  profile: [
    { value: "gte", label: "is at least" },
    { value: "gt", label: "is more than" },
    { value: "lte", label: "is at most" },
    { value: "lt", label: "is less than" },
    { value: "eq", label: "is exactly" },
    { value: "neq", label: "is not" },
    { value: "between", label: "is between" },
  ],
  activity: [
    { value: "atLeast", label: "at least" },
    { value: "atMost", label: "at most" },
    { value: "exactly", label: "exactly" },
  ],
  bought: [
    { value: "did", label: "bought" },
    { value: "didNot", label: "did not buy" },
  ],
  churnRisk: [
    { value: "in", label: "is one of" },
    { value: "notIn", label: "is none of" },
  ],
  lifecycleStage: [
    { value: "in", label: "is one of" },
    { value: "notIn", label: "is none of" },
  ],
  emailConsent: [
    { value: "in", label: "is one of" },
    { value: "notIn", label: "is none of" },
  ],
  tag: [
    { value: "has", label: "has the tag" },
    { value: "hasNot", label: "does not have the tag" },
  ],
};

export const TARGET_KINDS: ReadonlyArray<{ value: TargetKind; label: string }> = [
  { value: "productType", label: "from product type" },
  { value: "collection", label: "from collection" },
  { value: "productTag", label: "products tagged" },
  { value: "product", label: "product (Shopify id)" },
];

export const ACTIVITY_LABELS: Record<ActivityEvent, string> = {
  order: "Orders placed",
  productView: "Product views",
  addToCart: "Add-to-carts",
};

let nextKey = 0;
const newKey = () => `n${++nextKey}`;

export function newCondition(type: ConditionType = "profile"): DraftCondition {
  return {
    kind: "condition",
    key: newKey(),
    type,
    op: OPS[type][0]!.value,
    field: "orderCount",
    value: "",
    value2: "",
    choices: [],
    tag: "",
    targetKind: "productType",
    target: "",
    withinDays: "",
    event: "order",
    count: "1",
    productId: "",
  };
}

export function newGroup(combinator: "and" | "or" = "and", children: DraftNode[] = [newCondition()]): DraftGroup {
  return { kind: "group", key: newKey(), combinator, children };
}

/** A condition switched to another type keeps nothing of the old one's operator or choices. */
export function changeType(c: DraftCondition, type: ConditionType): DraftCondition {
  return { ...newCondition(type), key: c.key };
}

// ---- tree edits (immutable) -------------------------------------------------------

export function updateNode(root: DraftGroup, key: string, edit: (node: DraftNode) => DraftNode): DraftGroup {
  const visit = (node: DraftNode): DraftNode => {
    if (node.key === key) return edit(node);
    if (node.kind === "condition") return node;
    return { ...node, children: node.children.map(visit) };
  };
  return visit(root) as DraftGroup;
}

/** Removes a node; a nested group left empty goes too (the root may become empty). */
export function removeNode(root: DraftGroup, key: string): DraftGroup {
  const visit = (group: DraftGroup): DraftGroup => ({
    ...group,
    children: group.children
      .filter((child) => child.key !== key)
      .map((child) => (child.kind === "group" ? visit(child) : child))
      .filter((child) => child.kind === "condition" || child.children.length > 0),
  });
  return visit(root);
}

export function addChild(root: DraftGroup, groupKey: string, child: DraftNode): DraftGroup {
  return updateNode(root, groupKey, (node) => (node.kind === "group" ? { ...node, children: [...node.children, child] } : node));
}

export function countConditions(node: DraftNode): number {
  return node.kind === "condition" ? 1 : node.children.reduce((n, child) => n + countConditions(child), 0);
}

/** Depth of the group with `key` (the root is 1), or 0 when absent. */
export function depthOf(root: DraftGroup, key: string): number {
  const visit = (group: DraftGroup, depth: number): number => {
    if (group.key === key) return depth;
    for (const child of group.children) {
      if (child.kind !== "group") continue;
      const found = visit(child, depth + 1);
      if (found > 0) return found;
    }
    return 0;
  };
  return visit(root, 1);
}

export const canAddCondition = (root: DraftGroup) => countConditions(root) < LIMITS.maxConditions;
export const canAddGroup = (root: DraftGroup, groupKey: string) => canAddCondition(root) && depthOf(root, groupKey) < LIMITS.maxDepth;

// ---- draft → rule JSON ------------------------------------------------------------

export type Conversion = { ok: true; rule: unknown } | { ok: false; errors: string[] };

/** How a profile field's value is typed in the builder. */
export function fieldUnit(field: ProfileField, currency: string): string {
  switch (PROFILE_FIELDS[field].kind) {
    case "money":
      return currency;
    case "probability":
      return "%";
    case "days":
      return "days";
    case "score":
      return "1–5";
    default:
      return "";
  }
}

/**
 * The rule JSON for the server, or what the merchant must fix first (text that
 * is not a number). Everything else (ranges, limits) is the server's parseRule's
 * to say, with the same paths: the tree keeps its shape.
 */
export function toRuleInput(root: DraftGroup, currency: string): Conversion {
  const errors: string[] = [];
  let n = 0;
  const visit = (node: DraftNode): unknown => {
    if (node.kind === "group") return { type: "group", combinator: node.combinator, children: node.children.map(visit) };
    n++;
    const problems: string[] = [];
    const out = conditionInput(node, currency, problems);
    for (const p of problems) errors.push(`Condition ${n}: ${p}`);
    return out;
  };
  if (countConditions(root) === 0) return { ok: false, errors: ["Add at least one condition."] };
  const rule = visit(root);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rule };
}

function conditionInput(c: DraftCondition, currency: string, problems: string[]): unknown {
  const number = (text: string, what: string): number | undefined => {
    const t = text.trim().replace(/,/g, "");
    if (t === "" || !/^-?\d+(\.\d+)?$/.test(t)) {
      problems.push(`${what} needs a number`);
      return undefined;
    }
    return Number(t);
  };
  const optionalDays = (): number | undefined => (c.withinDays.trim() === "" ? undefined : number(c.withinDays, "the number of days"));
  switch (c.type) {
    case "profile": {
      const { kind, label } = PROFILE_FIELDS[c.field];
      const read = (text: string) => {
        if (kind === "money") {
          const t = text.trim().replace(/,/g, "");
          if (!/^\d+(\.\d+)?$/.test(t)) {
            problems.push(`${label} needs an amount`);
            return undefined;
          }
          return toMinorUnits(t, currency);
        }
        const v = number(text, label);
        return v === undefined ? undefined : kind === "probability" ? Number((v / 100).toFixed(6)) : v;
      };
      const value = read(c.value);
      const value2 = c.op === "between" ? read(c.value2) : undefined;
      return { type: "profile", field: c.field, op: c.op, value, ...(value2 === undefined ? {} : { value2 }) };
    }
    case "churnRisk":
      return { type: "churnRisk", op: c.op, values: c.choices };
    case "lifecycleStage":
      return { type: "lifecycleStage", op: c.op, values: c.choices };
    case "emailConsent":
      return { type: "emailConsent", op: c.op, states: c.choices };
    case "tag":
      return { type: "tag", op: c.op, tag: c.tag };
    case "bought": {
      const target = c.targetKind === "product" ? { kind: "product", productId: c.target } : { kind: c.targetKind, value: c.target };
      const withinDays = optionalDays();
      return { type: "bought", op: c.op, target, ...(withinDays === undefined ? {} : { withinDays }) };
    }
    case "activity": {
      const count = number(c.count, "the count");
      const withinDays = optionalDays();
      const productId = c.event !== "order" && c.productId.trim() !== "" ? c.productId.trim() : undefined;
      return {
        type: "activity",
        event: c.event,
        op: c.op,
        count,
        ...(withinDays === undefined ? {} : { withinDays }),
        ...(productId === undefined ? {} : { productId }),
      };
    }
  }
}

// ---- rule → draft -----------------------------------------------------------------

/** Minor units as the text a merchant would type: 20000 USD → "200", 1999 → "19.99". */
export function minorToText(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const scale = 10 ** exponent;
  return minor % scale === 0 ? String(minor / scale) : (minor / scale).toFixed(exponent);
}

export function fromRule(rule: Rule, currency: string): DraftGroup {
  const visit = (node: RuleNode): DraftNode => {
    if (node.type === "group") return { kind: "group", key: newKey(), combinator: node.combinator, children: node.children.map(visit) };
    return fromCondition(node, currency);
  };
  return visit(rule) as DraftGroup;
}

function fromCondition(c: Condition, currency: string): DraftCondition {
  const base = { ...newCondition(c.type), op: c.op };
  switch (c.type) {
    case "profile": {
      const kind = PROFILE_FIELDS[c.field].kind;
      const show = (v: number) => (kind === "money" ? minorToText(v, currency) : kind === "probability" ? String(Number((v * 100).toFixed(4))) : String(v));
      return { ...base, field: c.field, value: show(c.value), value2: c.value2 === undefined ? "" : show(c.value2) };
    }
    case "churnRisk":
    case "lifecycleStage":
      return { ...base, choices: [...c.values] };
    case "emailConsent":
      return { ...base, choices: [...c.states] };
    case "tag":
      return { ...base, tag: c.tag };
    case "bought":
      return {
        ...base,
        targetKind: c.target.kind,
        target: c.target.kind === "product" ? c.target.productId : c.target.value,
        withinDays: c.withinDays === undefined ? "" : String(c.withinDays),
      };
    case "activity":
      return {
        ...base,
        event: c.event,
        count: String(c.count),
        withinDays: c.withinDays === undefined ? "" : String(c.withinDays),
        productId: c.productId ?? "",
      };
  }
}

// ---- server errors → condition numbers ----------------------------------------------

/**
 * parseRule's errors name a path ("children.1.children.0: must be at least 1 day");
 * the builder numbers conditions in reading order, so "Condition 3: …" points at
 * the row the merchant sees. Paths that name no condition keep their message.
 */
export function explainErrors(errors: readonly string[], root: DraftGroup): string[] {
  const numbers = new Map<string, number>();
  let n = 0;
  const visit = (node: DraftNode, path: string) => {
    if (node.kind === "condition") numbers.set(path, ++n);
    else node.children.forEach((child, i) => visit(child, path === "" ? `children.${i}` : `${path}.children.${i}`));
  };
  visit(root, "");
  return errors.map((error) => {
    const m = /^([\w.]+): (.*)$/s.exec(error);
    if (!m) return error;
    // The node's own path is the leading run of "children.N" pairs.
    const parts = m[1]!.split(".");
    let end = 0;
    while (parts[end] === "children" && /^\d+$/.test(parts[end + 1] ?? "")) end += 2;
    if (end === 0) return m[2]!;
    const number = numbers.get(parts.slice(0, end).join("."));
    return number !== undefined ? `Condition ${number}: ${m[2]}` : `A group: ${m[2]}`;
  });
}
