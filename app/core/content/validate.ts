// Validation before any person sees a draft. Pure: the copy and the facts in,
// problems (the draft must not go out as is) and warnings (worth a look) out,
// in words a merchant can act on. Generators re-ask or re-seed on problems.
import type { z } from "zod";
import { zodProblems } from "../flows/plan/validate";
import { factProblems, type FactContext } from "./claims";
import { copyTexts, DraftCopySchema, type DraftCopy } from "./draft";
import { allowedLinkHosts } from "./facts";
import { spamFindings } from "./spam";
import { avoidedWordsIn, type BrandVoice } from "./voice";

/** Phones show about 30–40 characters and desktop clients about 60 (see docs/flows/default-plans.md). */
export const SUBJECT_RECOMMENDED = 60;
export const SUBJECT_MAX = 100;
export const PREVIEW_MAX = 140;
export const HEADLINE_MAX = 100;
export const PARAGRAPH_MAX = 1_000;
export const CTA_LABEL_MAX = 40;

export interface ValidationContext extends FactContext {
  voice: BrandVoice;
  /** The Loopwise app's origin: links to it (preferences, unsubscribe) are allowed. */
  appOrigin?: string | null;
}

export interface DraftValidation {
  /** The parsed copy, or null when it does not even have the draft's shape. */
  copy: DraftCopy | null;
  problems: string[];
  warnings: string[];
}

export function validateDraft(value: unknown, ctx: ValidationContext): DraftValidation {
  const parsed = DraftCopySchema.safeParse(value);
  if (!parsed.success) return { copy: null, problems: zodProblems(parsed.error as z.ZodError), warnings: [] };
  const copy = parsed.data;
  const problems: string[] = [];
  const warnings: string[] = [];

  const seen = new Set<string>();
  copy.subjectVariants.forEach((s, i) => {
    const key = s.trim().toLowerCase();
    if (seen.has(key)) problems.push(`subject ${i + 1} repeats an earlier subject: variants must differ`);
    seen.add(key);
    if (s.length > SUBJECT_MAX) problems.push(`subject ${i + 1} is ${s.length} characters; the limit is ${SUBJECT_MAX}`);
    else if (s.length > SUBJECT_RECOMMENDED) warnings.push(`subject ${i + 1} is ${s.length} characters; under ${SUBJECT_RECOMMENDED} shows whole in most inboxes`);
    const letters = s.replace(/[^\p{L}]/gu, "");
    if (letters.length >= 8 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) problems.push(`subject ${i + 1} is all capitals`);
  });
  if (copy.previewText.length > PREVIEW_MAX) problems.push(`the preview text is ${copy.previewText.length} characters; the limit is ${PREVIEW_MAX}`);
  if (copy.headline.length > HEADLINE_MAX) problems.push(`the headline is ${copy.headline.length} characters; the limit is ${HEADLINE_MAX}`);
  if (copy.callToAction.label.length > CTA_LABEL_MAX) problems.push(`the call to action is ${copy.callToAction.label.length} characters; the limit is ${CTA_LABEL_MAX}`);

  problems.push(...blockProblems(copy, ctx));
  const hosts = allowedLinkHosts(ctx.shop, ctx.appOrigin);
  problems.push(...linkProblems(copy.callToAction.url, "the call to action's link", hosts));

  const factWords = capitalisedFactWords(ctx);
  for (const { where, text } of copyTexts(copy)) {
    if (where.startsWith("paragraph") && text.length > PARAGRAPH_MAX) problems.push(`${where} is ${text.length} characters; the limit is ${PARAGRAPH_MAX}`);
    problems.push(...markupProblems(text, where));
    for (const url of urlsIn(text)) problems.push(...linkProblems(url, `${where}'s link ${url}`, hosts));
    problems.push(...factProblems(text, where, ctx));
    problems.push(...spamFindings(text, where, factWords));
    for (const word of avoidedWordsIn(text, ctx.voice)) problems.push(`${where} uses "${word}", which the brand voice avoids`);
  }
  return { copy, problems: dedupe(problems), warnings: dedupe(warnings) };
}

function blockProblems(copy: DraftCopy, ctx: ValidationContext): string[] {
  const problems: string[] = [];
  const ids = new Set(ctx.products.map((p) => p.id));
  let offers = 0;
  let paragraphs = 0;
  for (const block of copy.bodyBlocks) {
    if (block.type === "product" && !ids.has(block.productId)) problems.push(`a product block shows "${block.productId}", which is not one of this email's products`);
    if (block.type === "offer") offers++;
    if (block.type === "paragraph") paragraphs++;
  }
  if (paragraphs === 0) problems.push("the body has no text");
  if (offers > 0 && !ctx.offer) problems.push("the body has an offer block, but this email carries no offer");
  if (offers > 1) problems.push("the offer block appears more than once");
  if (offers === 0 && ctx.offer) problems.push("this email carries the offer, but the body has no offer block for the code");
  return problems;
}

/** No markup at all in copy: HTML, entities and template syntax are ours to add. */
function markupProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  if (/<\s*\/?\s*[a-z!?][^>]*>?/i.test(text)) problems.push(`${where} contains HTML; copy must be plain text`);
  else if (/[<>]/.test(text)) problems.push(`${where} contains angle brackets; copy must be plain text`);
  if (/&(?:#\d+|#x[0-9a-f]+|[a-z]{2,8});/i.test(text)) problems.push(`${where} contains an HTML entity; copy must be plain text`);
  if (/\{\{|\}\}|\{%|%\}|\[[^\]]*\]\([^)]*\)/.test(text)) problems.push(`${where} contains template or markdown syntax`);
  if (/\bjavascript:|\bdata:[a-z]+\//i.test(text)) problems.push(`${where} contains a script link`);
  return problems;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>)\]]+|\bwww\.[^\s"'<>)\]]+/gi;

function urlsIn(text: string): string[] {
  return (text.match(URL_IN_TEXT) ?? []).map((u) => u.replace(/[.,;:!?]+$/, ""));
}

function linkProblems(raw: string, what: string, hosts: string[]): string[] {
  let url: URL;
  try {
    url = new URL(/^www\./i.test(raw) ? `https://${raw}` : raw);
  } catch {
    return [`${what} is not a valid URL`];
  }
  if (url.protocol !== "https:") return [`${what} must use https`];
  if (url.username || url.password) return [`${what} must not carry credentials`];
  if (!hosts.includes(url.host.toLowerCase())) return [`${what} goes to ${url.host}; links may only go to ${hosts.join(", ")}`];
  return [];
}

function capitalisedFactWords(ctx: FactContext): Set<string> {
  const words = new Set<string>();
  for (const text of [ctx.shop.name, ...ctx.products.map((p) => p.title)]) for (const w of text.match(/\p{Lu}{2,}/gu) ?? []) words.add(w);
  return words;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

export interface FooterFacts {
  shopName: string;
  postalAddress: string;
  /** The recipient's one-click unsubscribe link, when the renderer has it. */
  unsubscribeUrl?: string | null;
}

/**
 * The legal footer in a rendered email's text part (CAN-SPAM: a valid postal
 * address and a working way to opt out): for the rendering step to call.
 */
export function requiredFooter(renderedText: string, facts: FooterFacts): string[] {
  const problems: string[] = [];
  const flat = (s: string) => s.toLowerCase().replace(/[\s,]+/g, " ").trim();
  const text = flat(renderedText);
  if (!facts.postalAddress.trim()) problems.push("the shop has no postal address for the footer (settings)");
  else if (!text.includes(flat(facts.postalAddress))) problems.push("the footer does not show the shop's postal address");
  if (!text.includes(flat(facts.shopName))) problems.push("the footer does not name the shop");
  if (!/unsubscribe/i.test(renderedText)) problems.push('the footer has no "unsubscribe" link');
  if (facts.unsubscribeUrl && !renderedText.includes(facts.unsubscribeUrl)) problems.push("the footer does not contain the recipient's unsubscribe link");
  return problems;
}
