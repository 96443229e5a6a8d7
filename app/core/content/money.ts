// Prices in copy: how we write them, and finding the ones a draft mentions so
// each can be checked against the catalog facts and the offer.
import { currencyExponent, toMinorUnits } from "../ingest/money";

/** "$19.99", "€5.00", "¥1,999": the form every generator uses (one formatter per currency, in ingest/money.ts). */
export { formatMoney } from "../ingest/money";

export interface MoneyMention {
  text: string;
  /** The currency the mention is in (a "$" is read as the shop's currency when that is a dollar). */
  currency: string;
  /** null when the number cannot be read as an amount. */
  minor: number | null;
}

const DOLLARS = ["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"];
const CODES = "USD|EUR|GBP|CAD|AUD|NZD|JPY|CNY|INR|CHF|SEK|NOK|DKK|PLN|CZK|HUF|MXN|BRL|ZAR|SGD|HKD|KRW|TWD|AED|ILS|TRY|RON";
const SYMBOLS: Record<string, string[]> = {
  "US$": ["USD"], "CA$": ["CAD"], C$: ["CAD"], A$: ["AUD"], AU$: ["AUD"], NZ$: ["NZD"], HK$: ["HKD"], S$: ["SGD"], R$: ["BRL"],
  $: DOLLARS, "€": ["EUR"], "£": ["GBP"], "¥": ["JPY", "CNY"], "₹": ["INR"], "₩": ["KRW"], "₪": ["ILS"], "₺": ["TRY"], "zł": ["PLN"], kr: ["SEK", "NOK", "DKK"],
};
const SYMBOL_RE = Object.keys(SYMBOLS)
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/[$]/g, "\\$"))
  .join("|");
const AMOUNT = "\\d{1,3}(?:[,.\\u00a0 ]\\d{3})+(?:[.,]\\d{1,3})?|\\d+(?:[.,]\\d{1,3})?";
const MONEY = new RegExp(
  `(?<pre>${SYMBOL_RE}|\\b(?:${CODES})\\b)\\s?(?<a1>${AMOUNT})|(?<a2>${AMOUNT})\\s?(?<post>€|£|zł|kr\\b|\\b(?:${CODES})\\b)`,
  "g",
);

export function findMoneyMentions(text: string, shopCurrency: string): MoneyMention[] {
  const out: MoneyMention[] = [];
  for (const m of text.matchAll(MONEY)) {
    const g = m.groups!;
    const marker = (g.pre ?? g.post)!;
    const amount = (g.a1 ?? g.a2)!;
    const candidates = SYMBOLS[marker] ?? [marker.toUpperCase()];
    const currency = candidates.includes(shopCurrency) ? shopCurrency : candidates[0]!;
    out.push({ text: m[0], currency, minor: parseAmount(amount, currency) });
  }
  return out;
}

/** "1,299.00", "1.299,00", "19,99", "1 299" → minor units of `currency`. */
export function parseAmount(raw: string, currency: string): number | null {
  const text = raw.replace(/[\u00a0 ]/g, "");
  const lastDot = text.lastIndexOf(".");
  const lastComma = text.lastIndexOf(",");
  let normal: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? "." : ",";
    const thousands = decimal === "." ? "," : ".";
    normal = text.split(thousands).join("").replace(decimal, ".");
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? "." : ",";
    const parts = text.split(sep);
    const tail = parts.at(-1)!;
    // One separator followed by exactly three digits is a thousands separator ("1,299").
    normal = parts.length > 2 || (tail.length === 3 && currencyExponent(currency) !== 3) ? parts.join("") : parts.join(".");
  } else {
    normal = text;
  }
  try {
    return toMinorUnits(normal, currency);
  } catch {
    return null;
  }
}
