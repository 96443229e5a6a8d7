// The Settings page's form, pure part: the effective settings as the strings a
// form shows, and those strings back to the input saveSettings validates.
// Lists are typed one item per line or comma-separated; amounts in the shop's
// currency (major units, "20.00"), stored as minor units. Problems come back
// keyed by the form field they belong to.
import { currencyExponent, toMinorUnits } from "~/core/ingest/money";
import type { EffectiveSettings } from "~/core/settings/settings";

export const SAMPLE_FIELDS = ["sample1", "sample2", "sample3"] as const;

export interface SettingsFields {
  toneWords: string;
  wordsToUse: string;
  wordsToAvoid: string;
  sample1: string;
  sample2: string;
  sample3: string;
  senderName: string;
  senderEmail: string;
  postalAddress: string;
  allowDiscounts: boolean;
  /** Blank: no limit below the hard 90%. */
  maxPercentOff: string;
  maxAmountOff: string;
  allowFreeShipping: boolean;
  maxExpiryDays: string;
}

export type SettingsField = keyof SettingsFields;
export type FieldErrors = Partial<Record<SettingsField, string>>;

const TEXT_FIELDS: SettingsField[] = [
  "toneWords", "wordsToUse", "wordsToAvoid", "sample1", "sample2", "sample3",
  "senderName", "senderEmail", "postalAddress", "maxPercentOff", "maxAmountOff", "maxExpiryDays",
];
/** A form field is at most this long before it is even parsed (the schema's limits are smaller). */
const MAX_FIELD_CHARS = 5_000;

export function minorToMajor(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === 0) return String(minor);
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  return `${minor < 0 ? "-" : ""}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

export function fieldsFromSettings(settings: Pick<EffectiveSettings, "brandVoice" | "senderName" | "senderEmail" | "postalAddress" | "incentivePolicy">, currency: string): SettingsFields {
  const v = settings.brandVoice;
  const p = settings.incentivePolicy;
  return {
    toneWords: v.toneWords.join(", "),
    wordsToUse: v.wordsToUse.join(", "),
    wordsToAvoid: v.wordsToAvoid.join(", "),
    sample1: v.sampleCopy[0] ?? "",
    sample2: v.sampleCopy[1] ?? "",
    sample3: v.sampleCopy[2] ?? "",
    senderName: settings.senderName,
    senderEmail: settings.senderEmail ?? "",
    postalAddress: settings.postalAddress ?? "",
    allowDiscounts: p.allowDiscounts,
    maxPercentOff: p.maxPercentOff === null ? "" : String(p.maxPercentOff),
    maxAmountOff: minorToMajor(p.maxAmountOff, currency),
    allowFreeShipping: p.allowFreeShipping,
    maxExpiryDays: String(p.maxExpiryDays),
  };
}

/** Posted form data → the fields (missing text is blank, a checkbox is on when sent as "on"/"true"). */
export function readSettingsForm(form: FormData): SettingsFields {
  const text = (key: SettingsField) => {
    const value = form.get(key);
    return typeof value === "string" ? value.slice(0, MAX_FIELD_CHARS) : "";
  };
  const flag = (key: SettingsField) => ["on", "true"].includes(text(key));
  const out = Object.fromEntries(TEXT_FIELDS.map((k) => [k, text(k)])) as unknown as SettingsFields;
  out.allowDiscounts = flag("allowDiscounts");
  out.allowFreeShipping = flag("allowFreeShipping");
  return out;
}

/** "warm, clear\nbold" → ["warm", "clear", "bold"]; blanks and repeats dropped. */
export function splitList(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const item = raw.trim().replace(/\s+/g, " ");
    if (!item || seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    out.push(item);
  }
  return out;
}

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}

/**
 * The fields as saveSettings' input, or the fields that are not even numbers.
 * Ranges, lengths and emails are the schema's to judge (its errors are mapped
 * back with fieldForPath).
 */
export function settingsInput(fields: SettingsFields, currency: string): { ok: true; input: unknown } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  let maxPercentOff: number | null = null;
  if (fields.maxPercentOff.trim() !== "") {
    maxPercentOff = wholeNumber(fields.maxPercentOff);
    if (maxPercentOff === null) errors.maxPercentOff = "the largest percentage off is a whole number (blank for no limit)";
  }
  let maxAmountOff = 0;
  try {
    // "$20", "20 €" and "USD 20" mean 20; "1,000.50" and "20,50" are read as people write them.
    const code = /^[A-Z]{3}$/.test(currency) ? new RegExp(`\\b${currency}\\b`, "i") : /$^/;
    const text = fields.maxAmountOff
      .replace(/\p{Sc}/gu, "")
      .replace(code, "")
      .trim()
      .replace(/,(?=\d{3}(\D|$))/g, "")
      .replace(",", ".");
    maxAmountOff = text === "" ? 0 : toMinorUnits(text, currency);
  } catch {
    errors.maxAmountOff = `the largest amount off is an amount in ${currency}, such as 20.00`;
  }
  const maxExpiryDays = wholeNumber(fields.maxExpiryDays);
  if (maxExpiryDays === null) errors.maxExpiryDays = "codes expire after a whole number of days";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      brandVoice: {
        toneWords: splitList(fields.toneWords),
        wordsToUse: splitList(fields.wordsToUse),
        wordsToAvoid: splitList(fields.wordsToAvoid),
        sampleCopy: SAMPLE_FIELDS.map((k) => fields[k].trim()).filter(Boolean),
      },
      senderName: fields.senderName,
      senderEmail: fields.senderEmail,
      postalAddress: fields.postalAddress,
      incentivePolicy: {
        allowDiscounts: fields.allowDiscounts,
        maxPercentOff,
        allowFreeShipping: fields.allowFreeShipping,
        maxAmountOff,
        maxExpiryDays,
      },
    },
  };
}

/** A schema error's path ("brandVoice.toneWords.2", "incentivePolicy.maxPercentOff") → the form field it belongs to. */
export function fieldForPath(path: string): SettingsField | null {
  const [head, second, third] = path.split(".");
  if (head === "brandVoice") {
    if (second === "sampleCopy") return third && /^[0-2]$/.test(third) ? SAMPLE_FIELDS[Number(third)]! : "sample1";
    if (second === "toneWords" || second === "wordsToUse" || second === "wordsToAvoid") return second;
    return null;
  }
  if (head === "incentivePolicy") {
    return second && ["allowDiscounts", "maxPercentOff", "allowFreeShipping", "maxAmountOff", "maxExpiryDays"].includes(second) ? (second as SettingsField) : null;
  }
  if (head === "senderName" || head === "senderEmail" || head === "postalAddress") return head;
  return null;
}

/**
 * saveSettings' errors (keyed by schema path) → errors keyed by form field,
 * worded for the merchant; anything that fits no field goes under "form".
 */
export function fieldErrors(errors: Record<string, string>): { fields: FieldErrors; form: string[] } {
  const fields: FieldErrors = {};
  const form: string[] = [];
  for (const [path, message] of Object.entries(errors)) {
    const field = fieldForPath(path);
    const worded = wordError(path, message);
    if (field) fields[field] ??= worded;
    else form.push(worded);
  }
  return { fields, form };
}

// Zod's own messages ("String must contain at most 30 character(s)") name no field; say which.
function wordError(path: string, message: string): string {
  if (!/^(String|Number|Array|Expected|Required|Invalid)/.test(message)) return message;
  const [, list, index] = path.split(".");
  const item = index !== undefined && /^\d+$/.test(index) ? ` (item ${Number(index) + 1})` : "";
  const tooLong = /at most (\d+) character/.exec(message);
  if (tooLong) return `too long${item}: at most ${tooLong[1]} characters`;
  const tooBig = /less than or equal to (\d+)/.exec(message);
  if (tooBig) return `at most ${tooBig[1]}`;
  const tooSmall = /greater than or equal to (\d+)/.exec(message);
  if (tooSmall) return `at least ${tooSmall[1]}`;
  return list ? `${message.toLowerCase()}${item}` : message;
}
