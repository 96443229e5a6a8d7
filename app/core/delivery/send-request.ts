// The pure part of sending: tracked links, what a recipient's email is made of
// (their merged slot values), the one SendGrid request for many recipients
// (the compiled template with substitution tags; one personalization each), and
// what SendGrid's answer means for the messages in it.
import { randomBytes } from "node:crypto";
import { finishText } from "../render/merge";
import { fillSlots } from "../render/splice";
import type { LinkHook, Spliced } from "../render/types";
import type { SlotValues } from "../render/values";

/** SendGrid's limit on one personalization's substitutions (keys and values), in bytes. */
export const MAX_SUBSTITUTION_BYTES = 10_000;

/**
 * Adds the campaign's UTM parameters and the click token `lw=<messageId>`
 * (attribution reads it) to every link that goes to the shop; other links and
 * the unsubscribe link are left as they are.
 */
export function trackingLinkHook(flowType: string, messageId: string, shopHosts: readonly string[]): LinkHook {
  const hosts = new Set(shopHosts.map((h) => h.toLowerCase()));
  return (raw, context) => {
    if (context.kind === "unsubscribe") return raw;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return raw;
    }
    if (!hosts.has(url.hostname.toLowerCase())) return raw;
    url.searchParams.set("utm_source", "loopwise");
    url.searchParams.set("utm_medium", "email");
    url.searchParams.set("utm_campaign", flowType);
    url.searchParams.set("lw", messageId);
    return url.href;
  };
}

/** What one recipient's email was made of: kept (gzip JSON) in Message.values, so it can be shown again exactly. */
export interface SentValues {
  v: 1;
  subject: string;
  html: Record<string, string>;
  text: Record<string, string>;
}

export function sentValues(subject: string, values: SlotValues): SentValues {
  return { v: 1, subject, html: values.html, text: values.text };
}

export function readSentValues(value: unknown): SentValues | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Partial<SentValues>;
  if (v.v !== 1 || typeof v.subject !== "string" || typeof v.html !== "object" || typeof v.text !== "object" || !v.html || !v.text) return null;
  return v as SentValues;
}

/** The compiled variant as sending needs it (a slice of CompiledEmail). */
export interface SendTemplate {
  html: Spliced;
  text: Spliced;
}

/** The email exactly as it goes out: the same function renders it again later (renderSentMessage). */
export function renderSent(template: SendTemplate, values: SentValues): { subject: string; html: string; text: string } {
  return { subject: values.subject, html: fillSlots(template.html, values.html), text: finishText(fillSlots(template.text, values.text)) };
}

/**
 * Substitution tags carry a random nonce per request: a recipient's own text
 * (their name in the plain-text part) cannot spell another slot's tag. The HTML
 * slots come from the template; the plain-text part goes as one value per
 * recipient, because empty slots there collapse blank lines after merging.
 */
export function newTagNonce(): string {
  return randomBytes(6).toString("hex");
}

function tag(nonce: string, slot: string): string {
  return `{{lw${nonce}:${slot}}}`;
}

export function requestContent(template: SendTemplate, nonce: string): Array<{ type: "text/plain" | "text/html"; value: string }> {
  const { parts, slots } = template.html;
  let html = parts[0]!;
  for (let i = 0; i < slots.length; i++) html += tag(nonce, slots[i]!) + parts[i + 1]!;
  return [
    { type: "text/plain", value: tag(nonce, "text") },
    { type: "text/html", value: html },
  ];
}

/** One recipient's substitutions (tags as keys, already wrapped) and their size as SendGrid counts it. */
export function recipientSubstitutions(template: SendTemplate, values: SentValues, nonce: string): { substitutions: Record<string, string>; bytes: number } {
  const substitutions: Record<string, string> = {};
  let bytes = 0;
  const add = (slot: string, value: string) => {
    const key = tag(nonce, slot);
    if (key in substitutions) return;
    substitutions[key] = value;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  };
  for (const slot of template.html.slots) {
    const value = values.html[slot];
    if (value === undefined) throw new Error(`no value for merge slot "${slot}"`);
    add(slot, value);
  }
  add("text", finishText(fillSlots(template.text, values.text)));
  return { substitutions, bytes };
}

export type SendOutcome =
  | { kind: "accepted"; xMessageId: string | null }
  /** 429 and 5xx (and a refused connection): nothing was sent; try again, not before `retryAfterMs` when known. */
  | { kind: "retry"; status: number | null; retryAfterMs: number | null; reason: string }
  /** 4xx other than 429: SendGrid refused the request; retrying the same request cannot help. */
  | { kind: "refused"; status: number; reason: string }
  /** A timeout or a dropped connection: SendGrid may or may not have taken it. */
  | { kind: "unknown"; reason: string };

/** Connection errors that prove the request never reached SendGrid. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ERR_INVALID_URL"]);

interface SdkError {
  code?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown>; body?: unknown };
}

/** What an error thrown by `@sendgrid/mail` means. `now` in ms (for X-RateLimit-Reset). */
export function classifySendError(error: unknown, now: number): Exclude<SendOutcome, { kind: "accepted" }> {
  const e = (typeof error === "object" && error !== null ? error : {}) as SdkError;
  if (typeof e.code === "number") {
    const status = e.code;
    const reason = sendgridReason(e.response?.body) ?? `SendGrid answered ${status}`;
    if (status === 429 || status >= 500) return { kind: "retry", status, retryAfterMs: retryAfter(e.response?.headers, now), reason };
    return { kind: "refused", status, reason };
  }
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : String(error);
  if (NOT_SENT_CODES.has(code)) return { kind: "retry", status: null, retryAfterMs: null, reason: `${code}: ${message}`.slice(0, 300) };
  return { kind: "unknown", reason: `${code || "error"}: ${message}`.slice(0, 300) };
}

/** SendGrid's own words: every `errors[].message` (with its field). */
export function sendgridReason(body: unknown): string | null {
  const errors = typeof body === "object" && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const lines = errors.map((item: { message?: unknown; field?: unknown }) => {
    const message = typeof item?.message === "string" ? item.message : "error";
    return typeof item?.field === "string" && item.field ? `${item.field}: ${message}` : message;
  });
  return lines.join("; ").slice(0, 1000);
}

/** Milliseconds until X-RateLimit-Reset (unix seconds), or Retry-After; null when neither is given. */
export function retryAfter(headers: Record<string, unknown> | undefined, now: number): number | null {
  if (!headers) return null;
  const get = (name: string) => {
    const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
    return found ? Number(found[1]) : NaN;
  };
  const reset = get("x-ratelimit-reset");
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  const seconds = get("retry-after");
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return null;
}

/** Header value of X-Message-Id from a response's headers. */
export function xMessageId(headers: Record<string, unknown> | undefined): string | null {
  if (!headers) return null;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === "x-message-id");
  return typeof found?.[1] === "string" ? found[1] : null;
}
