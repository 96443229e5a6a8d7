// The segment builder's server side (POST /app/segments/builder), one intent per call:
//   preview: the rule's live count, up to SAMPLE_SIZE members, and its words;
//   parse:   the natural-language box: words → a rule for the builder (never saved here);
//   save:    validated again and stored (saveSegment evaluates its members).
// Every rule comes from the browser and is validated by parseRule before any query;
// every query is scoped by the session's shop.
import defaultDb, { type Database } from "../../db.server";
import type { BuilderResult, SampleRow } from "../../components/audience/builder-protocol";
import { describe } from "../../core/audience/segments/describe";
import { parseRule, type Rule } from "../../core/audience/segments/rule";
import type { SegmentParser } from "../../core/audience/segments/natural-language";
import {
  BuiltinSegmentError,
  countMembers,
  moneyFormatter,
  sampleMembers,
  saveSegment,
  SegmentNotFoundError,
  SegmentRuleError,
  type MemberSample,
} from "../../core/audience/segments/segments.server";

export const SAMPLE_SIZE = 10;
/** A rule of 30 conditions is a few kilobytes; anything far larger is not from the builder. */
const MAX_RULE_CHARS = 20_000;
const MAX_WORDS_CHARS = 1_000;

type Shop = { id: string; currency: string };
export type BuilderOptions = { db?: Database; now?: Date; parser: SegmentParser };

export function notFound(): Response {
  return new Response("No such segment in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
}

export async function handleBuilderForm(shop: Shop, form: FormData, options: BuilderOptions): Promise<BuilderResult> {
  const intent = form.get("intent");
  switch (intent) {
    case "preview":
      return previewRule(shop, text(form, "rule"), options);
    case "parse":
      return parseWords(shop, text(form, "text"), options);
    case "save":
      return saveFromBuilder(shop, { name: text(form, "name"), rule: text(form, "rule"), id: text(form, "id") || undefined }, options);
    default:
      throw new Response("Unknown intent.", { status: 400, headers: { "content-type": "text/plain" } });
  }
}

const text = (form: FormData, key: string) => {
  const value = form.get(key);
  return typeof value === "string" ? value : "";
};

type RuleRead = { ok: true; rule: Rule } | { ok: false; errors: string[] };

/** The builder's JSON, through the rule schema. */
export function readRule(json: string): RuleRead {
  if (json.length > MAX_RULE_CHARS) return { ok: false, errors: ["The rule is too large."] };
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch {
    return { ok: false, errors: ["The rule could not be read: add a condition."] };
  }
  return parseRule(input);
}

const describeFor = (shop: Shop, rule: Rule) => describe(rule, { formatMoney: moneyFormatter(shop.currency) });

export const sampleRow = (m: Pick<MemberSample, "id" | "email" | "firstName" | "lastName">): SampleRow => ({
  id: m.id,
  name: [m.firstName, m.lastName].filter(Boolean).join(" ") || "(no name)",
  email: m.email,
});

export async function previewRule(shop: Shop, json: string, options: Omit<BuilderOptions, "parser"> = {}): Promise<BuilderResult> {
  const read = readRule(json);
  if (!read.ok) return { intent: "preview", ok: false, errors: read.errors };
  const opts = { db: options.db ?? defaultDb, now: options.now };
  const count = await countMembers(shop.id, read.rule, opts);
  const sample = count === 0 ? [] : await sampleMembers(shop.id, read.rule, SAMPLE_SIZE, opts);
  return { intent: "preview", ok: true, count, sample: sample.map(sampleRow), description: describeFor(shop, read.rule) };
}

/** The parser's rule goes back to the builder for review; nothing is saved. */
export async function parseWords(shop: Shop, words: string, options: Pick<BuilderOptions, "parser">): Promise<BuilderResult> {
  const result = await options.parser.parse(words.slice(0, MAX_WORDS_CHARS));
  if ("error" in result) return { intent: "parse", ok: false, error: result.error, suggestions: result.suggestions };
  // A parser backed by a model is checked here too: only a valid rule reaches the builder.
  const checked = parseRule(result.rule);
  if (!checked.ok) return { intent: "parse", ok: false, error: `I could not understand that: ${checked.errors.join("; ")}`, suggestions: [] };
  return { intent: "parse", ok: true, rule: checked.rule, description: describeFor(shop, checked.rule) };
}

export async function saveFromBuilder(
  shop: Shop,
  input: { name: string; rule: string; id?: string },
  options: Omit<BuilderOptions, "parser"> = {},
): Promise<BuilderResult> {
  const read = readRule(input.rule);
  if (!read.ok) return { intent: "save", ok: false, errors: read.errors };
  try {
    const segment = await saveSegment(shop.id, { name: input.name, rule: read.rule, id: input.id }, { db: options.db ?? defaultDb, now: options.now });
    return { intent: "save", ok: true, id: segment.id };
  } catch (error) {
    if (error instanceof SegmentRuleError) return { intent: "save", ok: false, errors: error.errors };
    // Another shop's segment, or a built-in one: not this merchant's to edit.
    if (error instanceof SegmentNotFoundError || error instanceof BuiltinSegmentError) throw notFound();
    throw error;
  }
}
