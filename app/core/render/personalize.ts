// Per-recipient words: the name we greet them by, the line about what they did,
// the offer's expiry. Pure and deterministic (dates in the shop's time zone).
import { cleanText, truncate } from "./escape";
import { RenderInputError, type Behaviour } from "./types";

/** Longest first name used; anything longer is someone's data error, not a name. */
export const FIRST_NAME_MAX = 40;

/** Their first name, cleaned, or the brand's fallback ("there"). */
export function greetingName(firstName: string | null | undefined, fallback: string): string {
  const name = typeof firstName === "string" ? cleanText(firstName) : "";
  if (!name || Array.from(name).length > FIRST_NAME_MAX) return fallback;
  return name;
}

function times(count: number): string {
  if (count === 1) return "once";
  if (count === 2) return "twice";
  return `${count} times`;
}

/** One line of copy from what they did, or "" when there is nothing to say. */
export function behaviourLine(behaviour: Behaviour | null | undefined): string {
  if (!behaviour) return "";
  switch (behaviour.kind) {
    case "cart":
      return "Still thinking about your cart?";
    case "viewed": {
      const title = truncate(cleanText(behaviour.productTitle ?? ""), 80);
      const count = Math.floor(behaviour.count);
      if (!title || !Number.isFinite(count) || count < 1) return "";
      return count >= 2 ? `You viewed ${title} ${times(count)}.` : `You took a look at ${title}.`;
    }
    case "bought": {
      const title = truncate(cleanText(behaviour.productTitle ?? ""), 80);
      return title ? `Thanks again for choosing ${title}.` : "";
    }
    case "lapsed": {
      const days = Math.floor(behaviour.daysSinceLastOrder);
      if (!Number.isFinite(days) || days < 30) return "";
      const months = Math.floor(days / 30);
      return months >= 12 ? "It has been over a year since your last order." : `It has been ${months === 1 ? "a month" : `${months} months`} since your last order.`;
    }
    case "line":
      return truncate(cleanText(behaviour.text ?? ""), 200);
  }
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
// A batch of codes usually shares one expiry: remember the text (bounded).
const expiryTexts = new Map<string, string>();
const EXPIRY_CACHE_MAX = 10_000;

/** "May 12, 2026" in the shop's time zone; null when there is no expiry. */
export function formatExpiry(expiresAt: Date | string | number | null | undefined, timeZone: string): string | null {
  if (expiresAt === null || expiresAt === undefined) return null;
  const date = expiresAt instanceof Date ? expiresAt : new Date(expiresAt);
  if (Number.isNaN(date.getTime())) throw new RenderInputError([`the offer's expiry ${JSON.stringify(String(expiresAt))} is not a date`]);
  const key = `${timeZone}|${date.getTime()}`;
  const known = expiryTexts.get(key);
  if (known !== undefined) return known;
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone });
    dateFormats.set(timeZone, format);
  }
  if (expiryTexts.size >= EXPIRY_CACHE_MAX) expiryTexts.clear();
  const text = format.format(date);
  expiryTexts.set(key, text);
  return text;
}

/** Longest discount code shown (Shopify allows 255; ours are far shorter). */
export const CODE_MAX = 64;

export function offerCode(code: unknown): string {
  const clean = typeof code === "string" ? cleanText(code) : "";
  if (!clean) throw new RenderInputError(["the recipient's offer has no code"]);
  if (clean.length > CODE_MAX) throw new RenderInputError([`the recipient's offer code is longer than ${CODE_MAX} characters`]);
  return clean;
}
