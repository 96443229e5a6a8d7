// A rule in plain English, for the merchant: "Customers who placed at least 2 orders
// and placed no orders in the last 90 days".
import { assertUnreachable, PROFILE_FIELDS, type Condition, type ProductTarget, type Rule, type RuleNode } from "./rule";

export type DescribeOptions = {
  /** Minor units to display money; default: two decimals with a "$" (pass the shop's currency formatter). */
  formatMoney?: (minor: number) => string;
};

export function defaultMoney(minor: number): string {
  const major = minor / 100;
  return "$" + (Number.isInteger(major) ? String(major) : major.toFixed(2));
}

export function describe(rule: Rule, options: DescribeOptions = {}): string {
  return "Customers who " + describeNode(rule, options, true);
}

function describeNode(node: RuleNode, options: DescribeOptions, top: boolean): string {
  if (node.type !== "group") return describeCondition(node, options);
  const parts = node.children.map((child) => describeNode(child, options, false));
  if (parts.length === 1) return parts[0]!;
  const joined = parts.slice(0, -1).join(", ") + (parts.length > 2 ? "," : "") + ` ${node.combinator} ` + parts[parts.length - 1];
  return top ? joined : `(${joined})`;
}

const plural = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;
const within = (days: number | undefined) => (days === undefined ? "" : days === 1 ? " in the last day" : ` in the last ${days} days`);
const list = (values: readonly string[], joiner: "or" | "and" = "or") =>
  values.length <= 1 ? (values[0] ?? "") : values.slice(0, -1).join(", ") + ` ${joiner} ` + values[values.length - 1];

export function describeCondition(c: Condition, options: DescribeOptions = {}): string {
  const money = options.formatMoney ?? defaultMoney;
  switch (c.type) {
    case "profile": {
      const { label, kind } = PROFILE_FIELDS[c.field];
      const show = (v: number) => (kind === "money" ? money(v) : kind === "probability" ? `${Math.round(v * 100)}%` : String(v));
      if (c.field === "orderCount" && c.op !== "between" && c.op !== "neq") {
        const phrase = { gt: "more than", gte: "at least", lt: "fewer than", lte: "at most", eq: "exactly" }[c.op];
        return `placed ${phrase} ${plural(c.value, "order")}`;
      }
      if (kind === "days" && c.op !== "between" && c.op !== "neq" && c.op !== "eq") {
        const event = c.field === "daysSinceLastOrder" ? "last" : "first";
        const phrase = { gt: "more than", gte: "at least", lt: "less than", lte: "at most" }[c.op];
        return `placed their ${event} order ${phrase} ${plural(c.value, "day")} ago`;
      }
      const value = c.op === "between" ? `${show(c.value)} and ${show(c.value2 ?? c.value)}` : show(c.value);
      if (c.field === "totalSpent") {
        const spent = { gt: "more than", gte: "at least", lt: "less than", lte: "at most", eq: "exactly", neq: "other than", between: "between" }[c.op];
        return `spent ${spent} ${value} in total`;
      }
      const phrase = { gt: "above", gte: "of at least", lt: "below", lte: "of at most", eq: "of exactly", neq: "other than", between: "between" }[c.op];
      return `have ${/^[aeiou]/.test(label) ? "an" : "a"} ${label} ${phrase} ${value}`;
    }
    case "churnRisk":
      return `${c.op === "in" ? "have" : "do not have"} a ${list(c.values)} churn risk`;
    case "lifecycleStage":
      return `${c.op === "in" ? "are" : "are not"} in the ${list(c.values.map((v) => `“${v}”`))} lifecycle stage`;
    case "emailConsent": {
      const words = c.states.map((s) => s.toLowerCase().replace(/_/g, " "));
      if (c.states.length === 1 && c.states[0] === "SUBSCRIBED") return c.op === "in" ? "are subscribed to email marketing" : "are not subscribed to email marketing";
      return `${c.op === "in" ? "have" : "do not have"} email marketing consent ${list(words)}`;
    }
    case "tag":
      return `${c.op === "has" ? "are" : "are not"} tagged “${c.tag}”`;
    case "bought":
      return `${c.op === "did" ? "bought" : "did not buy"} ${describeTarget(c.target)}${within(c.withinDays)}`;
    case "activity": {
      const product = c.productId === undefined ? "" : ` (product ${c.productId})`;
      const words: Record<typeof c.event, [verb: string, noun: string, none: string, some: string]> = {
        order: ["placed", "order", "placed no orders", "placed an order"],
        productView: ["viewed products", "time", "viewed no products", "viewed a product"],
        addToCart: ["added to cart", "time", "added nothing to cart", "added to cart"],
      };
      const [verb, noun, none, some] = words[c.event];
      if (c.count === 0 && c.op !== "atLeast") return `${none}${product}${within(c.withinDays)}`;
      if (c.count === 1 && c.op === "atLeast") return `${some}${product}${within(c.withinDays)}`;
      const phrase = { atLeast: "at least", atMost: "at most", exactly: "exactly" }[c.op];
      return `${verb}${product} ${phrase} ${plural(c.count, noun)}${within(c.withinDays)}`;
    }
    default:
      return assertUnreachable(c);
  }
}

function describeTarget(t: ProductTarget): string {
  switch (t.kind) {
    case "product":
      return `product ${t.productId}`;
    case "productType":
      return `from product type “${t.value}”`;
    case "collection":
      return `from collection “${t.value}”`;
    case "productTag":
      return `products tagged “${t.value}”`;
    default:
      return assertUnreachable(t);
  }
}
