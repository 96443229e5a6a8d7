// The natural-language box: words → a rule, shown to the merchant before saving.
// `SegmentParser` is the seam for an LLM provider (issue 4); the offline parser
// here is deterministic and needs no key. It scans the text left to right,
// matching known phrasings (each a regular expression anchored where the last
// match ended) and skipping filler words; anything else is reported back, never
// guessed at. The merchant's text is data only: it is length-capped, matched by
// fixed expressions, never evaluated; every result goes through the rule schema.
import { all, any, parseRule, type ChurnRisk, type Condition, type Rule, type RuleNode } from "./rule";

export type ParseResult = { rule: Rule } | { error: string; suggestions: string[] };

export interface SegmentParser {
  parse(text: string): Promise<ParseResult>;
}

export const MAX_TEXT_LENGTH = 300;

export const SUGGESTIONS = [
  "customers who bought twice but nothing in 90 days",
  "subscribers who haven't ordered in 6 months",
  "spent over $200",
  "bought from Outerwear in the last 30 days",
  "viewed a product 3 times this week but didn't buy",
  "one-time buyers",
  "at risk customers",
  "high value customers",
  "new customers this month",
  "tagged vip and at least 2 orders in the last 90 days",
];

export class OfflineSegmentParser implements SegmentParser {
  async parse(text: string): Promise<ParseResult> {
    return parseSegmentText(text);
  }
}

// ---- vocabulary -----------------------------------------------------------------

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, once: 1, two: 2, twice: 2, three: 3, thrice: 3, four: 4, five: 5, six: 6,
  seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const NUM = `(\\d{1,5}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };
/** A time window: "in the last 6 months", "this week", "90 days", "today". Four capture groups. */
const DUR =
  `(?:(?:in|within|during|over|for)\\s+)?(?:(?:the\\s+)?(?:last|past)\\s+${NUM}?\\s*(day|week|month|year)s?|this\\s+(week|month|year)|(today)|${NUM}\\s+(day|week|month|year)s?)`;
const COUNT_OF = `(more than|over|at least|fewer than|less than|under|at most|exactly)?\\s*`;

function toNumber(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const w = word.toLowerCase();
  return /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w];
}

/** Days of a DUR match, from its captures starting at `i` (six groups). */
function durationDays(m: RegExpExecArray, i: number): number | undefined {
  const [n, unit, thisUnit, today, n2, unit2] = [m[i], m[i + 1], m[i + 2], m[i + 3], m[i + 4], m[i + 5]];
  if (unit) return (toNumber(n) ?? 1) * UNIT_DAYS[unit.toLowerCase()]!;
  if (thisUnit) return UNIT_DAYS[thisUnit.toLowerCase()]!;
  if (today) return 1;
  if (unit2) return (toNumber(n2) ?? 1) * UNIT_DAYS[unit2.toLowerCase()]!;
  return undefined;
}

type Op = "gt" | "gte" | "lt" | "lte" | "eq";
function comparison(phrase: string | undefined, fallback: Op): Op {
  switch (phrase?.toLowerCase()) {
    case "more than": case "over": case "above":
      return "gt";
    case "at least":
      return "gte";
    case "fewer than": case "less than": case "under": case "below":
      return "lt";
    case "at most":
      return "lte";
    case "exactly":
      return "eq";
    default:
      return fallback;
  }
}

type State = { lastWindow?: number };
type Phrase = { pattern: RegExp; build: (m: RegExpExecArray, state: State) => RuleNode | undefined };

const ph = (source: string, build: Phrase["build"]): Phrase => ({ pattern: new RegExp(source, "iyu"), build });
const orderCount = (op: Op, value: number): Condition => ({ type: "profile", field: "orderCount", op, value });
const noOrders = (withinDays: number | undefined): Condition =>
  withinDays === undefined ? orderCount("eq", 0) : { type: "activity", event: "order", op: "atMost", count: 0, withinDays };
const window = (days: number | undefined) => (days === undefined ? {} : { withinDays: days });
const END = `(?=$|[\\s,.;!?])`;
const NAME = `("[^"]{1,100}"|(?!(?:the|last|past|this)\\b)[\\p{L}\\p{N}][\\p{L}\\p{N}&'’-]*(?:\\s+(?!(?:but|and|or|who|in|within|during|over|for|this|the|last|past|today|collection|category)\\b)[\\p{L}\\p{N}][\\p{L}\\p{N}&'’-]*){0,4})`;
const unquote = (s: string) => s.replace(/^"|"$/g, "").trim();

/** Tried in order at each position; the first that matches wins. */
const PHRASES: Phrase[] = [
  ph(`one[- ]time (?:buyers?|customers?|purchasers?|shoppers?)${END}`, () => orderCount("eq", 1)),
  ph(`(?:repeat|returning|loyal) (?:buyers?|customers?|purchasers?|shoppers?)${END}`, () => orderCount("gte", 2)),
  ph(`(?:high[- ]value|top[- ]value|most valuable|big spenders?|top spenders?)(?: customers?| buyers?| shoppers?)?${END}`, () => ({
    type: "profile", field: "monetaryScore", op: "gte", value: 4,
  })),
  ph(`(low|medium|high) churn risk${END}`, (m) => ({ type: "churnRisk", op: "in", values: [m[1]!.toLowerCase() as ChurnRisk] })),
  ph(`(?:at[- ]risk|likely to churn|about to churn)(?: customers?| buyers?| shoppers?)?${END}`, () => ({ type: "churnRisk", op: "in", values: ["high"] })),
  ph(`(?:lapsed|dormant|churned|inactive)(?: customers?| buyers?| shoppers?)?${END}`, () => ({
    type: "profile", field: "daysSinceLastOrder", op: "gte", value: 180,
  })),
  ph(`(?:new|first[- ]time) (?:customers?|buyers?|shoppers?)(?:\\s+${DUR})?${END}`, (m) => ({
    type: "profile", field: "daysSinceFirstOrder", op: "lt", value: durationDays(m, 1) ?? 30,
  })),
  ph(`(?:(?:are|is)\\s+)?(?:not subscribed|unsubscribed|non[- ]subscribers)(?: to (?:email|emails|email marketing|the newsletter))?${END}`, () => ({
    type: "emailConsent", op: "notIn", states: ["SUBSCRIBED"],
  })),
  ph(`(?:(?:email |newsletter )?subscribers|(?:are\\s+)?subscribed(?: to (?:email|emails|email marketing|the newsletter))?)${END}`, () => ({
    type: "emailConsent", op: "in", states: ["SUBSCRIBED"],
  })),
  ph(`(?:are\\s+)?(?:tagged|with (?:the )?tag|(?:have|has) (?:the )?tag)\\s+("[^"]{1,100}"|[^\\s,;"]{1,100})`, (m) => ({
    type: "tag", op: "has", tag: unquote(m[1]!),
  })),
  ph(`(?:not tagged|without (?:the )?tag)\\s+("[^"]{1,100}"|[^\\s,;"]{1,100})`, (m) => ({ type: "tag", op: "hasNot", tag: unquote(m[1]!) })),
  ph(`(?:spent|spend|spending|lifetime spend(?: of)?)\\s*(more than|over|above|at least|less than|under|below|at most)?\\s*[$€£]?\\s*(\\d{1,9}(?:\\.\\d{1,2})?)\\s*(?:dollars|usd|eur|euros|gbp|pounds)?${END}`, (m) => ({
    type: "profile", field: "totalSpent", op: comparison(m[1], "gte"), value: Math.round(Number(m[2]) * 100),
  })),
  ph(`(?:bought|purchased|ordered) (?:the )?product (?:id )?(?:gid://shopify/Product/)?(\\d{1,20})(?:\\s+${DUR})?${END}`, (m, s) => {
    const days = durationDays(m, 2);
    if (days !== undefined) s.lastWindow = days;
    return { type: "bought", op: "did", target: { kind: "product", productId: m[1]! }, ...window(days) };
  }),
  ph(`(?:bought|purchased|ordered)\\s+(?:something\\s+|anything\\s+|products?\\s+|items?\\s+)?from\\s+(?:the\\s+)?(collection\\s+|category\\s+|product type\\s+)?${NAME}(\\s+(?:collection|category))?(?:\\s+${DUR})?${END}`, (m, s) => {
    const value = unquote(m[2]!);
    const days = durationDays(m, 4);
    if (days !== undefined) s.lastWindow = days;
    const kind = (m[1] ?? m[3])?.trim().toLowerCase();
    const bought = (k: "productType" | "collection"): Condition => ({ type: "bought", op: "did", target: { kind: k, value }, ...window(days) });
    if (kind === "collection") return bought("collection");
    if (kind === "product type") return bought("productType");
    return any(bought("productType"), bought("collection"));
  }),
  ph(`(?:nothing|no orders?|no purchases?|(?:have|has|had)n[’']?t (?:ordered|bought|purchased)(?: anything)?|(?:have|has) not (?:ordered|bought|purchased)(?: anything)?|did(?:n[’']?t| not) (?:order|buy|purchase)(?: anything)?|never (?:ordered|bought|purchased)(?: anything)?)(?:\\s+(?:since|for))?(?:\\s+${DUR})?${END}`, (m, s) => {
    const days = durationDays(m, 1) ?? s.lastWindow;
    return noOrders(days);
  }),
  ph(`(?:bought|ordered|purchased|placed|made)\\s+(?:at least\\s+)?(once|twice|thrice|${NUM} times|${NUM} or more times)(?:\\s+${DUR})?${END}`, (m, s) => {
    const n = m[1]!.toLowerCase() === "thrice" ? 3 : toNumber(m[1]!.split(/\s+/)[0]) ?? 1;
    const days = durationDays(m, 4);
    if (days !== undefined) s.lastWindow = days;
    return days === undefined ? orderCount("gte", n) : { type: "activity", event: "order", op: "atLeast", count: n, withinDays: days };
  }),
  ph(`(?:(?:placed|made|have|has|with)\\s+)?${COUNT_OF}${NUM}(\\s+or more)?\\s+(?:orders?|purchases?)(?:\\s+${DUR})?${END}`, (m, s) => {
    const n = toNumber(m[2]) ?? 1;
    const op = m[3] ? "gte" : comparison(m[1], "gte");
    const days = durationDays(m, 4);
    if (days === undefined) return orderCount(op, n);
    s.lastWindow = days;
    const count = op === "gt" ? n + 1 : op === "lt" ? n - 1 : n;
    if (count < 0) return undefined;
    const countOp = op === "gt" || op === "gte" ? "atLeast" : op === "eq" ? "exactly" : "atMost";
    return { type: "activity", event: "order", op: countOp, count, withinDays: days };
  }),
  ph(`(?:ordered|bought|purchased)(?:\\s+(?:something|anything))?\\s+${DUR}${END}`, (m, s) => {
    const days = durationDays(m, 1);
    if (days !== undefined) s.lastWindow = days;
    return { type: "activity", event: "order", op: "atLeast", count: 1, ...window(days) };
  }),
  ph(`(viewed|looked at|browsed|added)(?:\\s+(?:a |an |any |some )?(?:products?|items?|something))?(?:\\s+to (?:the |their )?cart)?(?:\\s+(?:at least\\s+)?(once|twice|${NUM} times))?(?:\\s+${DUR})?${END}`, (m, s) => {
    const cart = m[1]!.toLowerCase() === "added";
    if (cart && !/cart/i.test(m[0])) return undefined;
    const n = m[2] ? toNumber(m[2].split(/\s+/)[0]) ?? 1 : 1;
    const days = durationDays(m, 4);
    if (days !== undefined) s.lastWindow = days;
    return { type: "activity", event: cart ? "addToCart" : "productView", op: "atLeast", count: n, ...window(days) };
  }),
];

const FILLER = new RegExp(
  `(?:show me|find me|find|list|get me|give me|all|the|customers?|people|shoppers?|buyers?|users?|clients?|who|whom|that|which|also|have|has|had|are|is|were|ones|[,.;!?:]|(and|but|or))${END}`,
  "iyu",
);

/** Words → a rule, or what could not be understood. Deterministic. */
export function parseSegmentText(input: string): ParseResult {
  const text = input.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, " ").trim();
  if (text === "") return { error: "Describe the customers you want, for example “spent over $200”.", suggestions: SUGGESTIONS };
  if (text.length > MAX_TEXT_LENGTH) {
    return { error: `I could not understand that: please keep it under ${MAX_TEXT_LENGTH} characters.`, suggestions: SUGGESTIONS };
  }
  const children: RuleNode[] = [];
  const state: State = {};
  const connectors = new Set<"and" | "or">();
  let at = 0;
  while (at < text.length) {
    if (text[at] === " ") {
      at++;
      continue;
    }
    let matched = false;
    for (const phrase of PHRASES) {
      phrase.pattern.lastIndex = at;
      const m = phrase.pattern.exec(text);
      if (!m || m[0].length === 0) continue;
      const node = phrase.build(m, state);
      if (node === undefined) continue;
      children.push(node);
      at += m[0].length;
      matched = true;
      break;
    }
    if (matched) continue;
    FILLER.lastIndex = at;
    const filler = FILLER.exec(text);
    if (filler && filler[0].length > 0) {
      const connector = filler[1]?.toLowerCase();
      if (connector) connectors.add(connector === "or" ? "or" : "and");
      at += filler[0].length;
      continue;
    }
    const fragment = text.slice(at).split(/[,.;]| (?:and|but|or) /)[0]!.trim().slice(0, 60);
    return { error: `I could not understand “${fragment}”.`, suggestions: SUGGESTIONS };
  }
  if (children.length === 0) {
    return { error: `I could not understand “${text.slice(0, 60)}”: it names no condition.`, suggestions: SUGGESTIONS };
  }
  if (connectors.size > 1) {
    return { error: "I could not understand how “and” and “or” combine here: build this one with the rule builder.", suggestions: SUGGESTIONS };
  }
  const only = children.length === 1 ? children[0]! : undefined;
  const rule = only?.type === "group" ? only : connectors.has("or") ? any(...children) : all(...children);
  const checked = parseRule(rule);
  if (!checked.ok) return { error: `I could not understand that: ${checked.errors.join("; ")}`, suggestions: SUGGESTIONS };
  return { rule: checked.rule };
}
