// Phrasing that spam filters and readers punish. Sources:
// - Mailchimp Knowledge Base, "About Spam Filters": ALL CAPS, extra exclamation
//   points, and words such as "act now", "limited time", "click now", "open
//   immediately", "free", money-back guarantees.
// - Apache SpamAssassin 3.4 rules: SUBJ_ALL_CAPS (subject in capitals); its body
//   phrase tests score money-making and "no obligation" style phrases.
// - HubSpot, "The Ultimate List of Email Spam Trigger Words" (blog, revised
//   yearly): "click here", "risk-free", "no obligation", "100% free", "winner",
//   "cash bonus", "once in a lifetime", "dear friend", "no strings attached",
//   "this isn't spam", "double your", "earn extra cash", "urgent".
// "free" alone is not listed: it is checked as a claim (free shipping needs the
// offer) in claims.ts. The offline templates must never trip these.
export interface SpamPattern {
  pattern: RegExp;
  label: string;
}

export const SPAM_PATTERNS: SpamPattern[] = [
  { pattern: /\bact now\b/i, label: "act now" },
  { pattern: /\bclick (?:here|now|below)\b/i, label: "click here" },
  { pattern: /\bopen (?:immediately|now)\b/i, label: "open immediately" },
  { pattern: /\blimited[- ]time\b/i, label: "limited time" },
  { pattern: /\bonce in a lifetime\b/i, label: "once in a lifetime" },
  { pattern: /\brisk[- ]free\b/i, label: "risk-free" },
  { pattern: /\bno obligation\b/i, label: "no obligation" },
  { pattern: /\bno strings attached\b/i, label: "no strings attached" },
  { pattern: /\bno catch\b/i, label: "no catch" },
  { pattern: /\b100\s?% free\b/i, label: "100% free" },
  { pattern: /\bfree (?:money|cash|gift card)\b/i, label: "free money" },
  { pattern: /\bcash bonus\b/i, label: "cash bonus" },
  { pattern: /\bearn (?:extra )?(?:cash|money|income)\b/i, label: "earn extra cash" },
  { pattern: /\bdouble your\b/i, label: "double your" },
  { pattern: /\b(?:you(?:'re| are) a )?winner\b/i, label: "winner" },
  { pattern: /\bcongratulations\b/i, label: "congratulations" },
  { pattern: /\bdear friend\b/i, label: "dear friend" },
  { pattern: /\bthis (?:is not|isn't|is no) spam\b/i, label: "this isn't spam" },
  { pattern: /\burgent(?:ly)?\b/i, label: "urgent" },
  { pattern: /\bmiracle\b/i, label: "miracle" },
  { pattern: /\b(?:lowest|best) price\b/i, label: "best price" },
  { pattern: /\bapply now\b/i, label: "apply now" },
  { pattern: /\$\$+/, label: "$$" },
];

/** Common short capitalised words that are not shouting. */
const ALLOWED_CAPS = new Set(["FAQ", "USA", "VIP", "DIY", "XL", "XXL", "OK", "TV", "UK", "EU", "LED", "USB", "PDF", "SPF", "ASAP", "COVID"]);

export interface SpamFinding {
  message: string;
}

/**
 * Spam phrasing in one piece of text. `factWords` are capitalised words that
 * come from the facts (product titles, the shop name) and may stay as written.
 */
export function spamFindings(text: string, where: string, factWords: Set<string>): string[] {
  const out: string[] = [];
  for (const { pattern, label } of SPAM_PATTERNS) if (pattern.test(text)) out.push(`${where} uses the spam-trigger phrase "${label}"`);
  if (/!{2,}/.test(text)) out.push(`${where} repeats exclamation marks`);
  else if ((text.match(/!/g) ?? []).length > 1) out.push(`${where} has more than one exclamation mark`);
  const shouted = (text.match(/\b\p{Lu}{4,}\b/gu) ?? []).filter((w) => !ALLOWED_CAPS.has(w) && !factWords.has(w));
  if (shouted.length > 0) out.push(`${where} writes "${shouted.slice(0, 3).join(" ")}" in capitals`);
  return out;
}
