// An email as an RFC 5322 / MIME message (.eml): CRLF line ends, folded
// headers, RFC 2047 encoded words for non-ASCII, multipart/alternative (text
// then html) with quoted-printable bodies. Used by `loopwise preview` to write
// messages a mail client opens, and by the fake SendGrid to record what it was
// sent. Header values are data: line breaks in them are flattened, so no value
// can add a header.
import { createHash } from "node:crypto";

const CRLF = "\r\n";

export interface MailAddress {
  email: string;
  name?: string | null;
}

export interface EmlInput {
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  date: Date;
  /** Without the angle brackets: "preview-1@loopwise.local". */
  messageId: string;
  /** Extra headers after the standard ones (List-Unsubscribe, …), in order. */
  headers?: Record<string, string>;
  text: string;
  html: string;
}

/** A complete message with a text and an HTML alternative. */
export function composeEml(input: EmlInput): string {
  const headers: Array<[string, string]> = [
    ["Message-ID", `<${headerValue(input.messageId)}>`],
    ["Date", rfc5322Date(input.date)],
    ["From", formatAddress(input.from)],
    ["To", input.to.map(formatAddress).join(", ")],
    ["Subject", encodeWords(headerValue(input.subject))],
    ["MIME-Version", "1.0"],
  ];
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!/^[A-Za-z0-9-]{1,76}$/.test(name)) throw new Error(`"${name}" is not a header name`);
    headers.push([name, encodeWords(headerValue(value))]);
  }
  const boundary = `----=_Part_alt_${createHash("sha1").update(input.messageId).digest("hex").slice(0, 16)}`;
  const body = mimeMultipart("alternative", boundary, [mimeTextPart("text/plain", input.text), mimeTextPart("text/html", input.html)]);
  return headers.map(([name, value]) => foldHeader(name, value)).join(CRLF) + CRLF + body.join(CRLF) + CRLF;
}

/** One header's value on one line. */
function headerValue(value: string): string {
  return value.replace(/[\r\n]+/g, " ");
}

/** A body part: its headers, a blank line, then the quoted-printable body (as lines). */
export function mimeTextPart(type: string, value: string): string[] {
  return [`Content-Type: ${type}; charset=utf-8`, "Content-Transfer-Encoding: quoted-printable", "", encodeQuotedPrintable(value)];
}

/** multipart/<subtype>: the Content-Type header, a blank line, then each part between boundaries. */
export function mimeMultipart(subtype: string, boundary: string, parts: string[][]): string[] {
  const lines = [`Content-Type: multipart/${subtype}; boundary="${boundary}"`, ""];
  for (const part of parts) lines.push(`--${boundary}`, ...part);
  lines.push(`--${boundary}--`);
  return lines;
}

export function rfc5322Date(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export function formatAddress(address: MailAddress): string {
  const email = headerValue(address.email).trim().replace(/[<>]/g, "");
  const name = address.name ? headerValue(address.name).trim() : "";
  if (!name) return `<${email}>`;
  const shown = /[^\x20-\x7e]/.test(name)
    ? encodeWords(name)
    : /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(name)
      ? name
      : `"${name.replace(/(["\\])/g, "\\$1")}"`;
  return `${shown} <${email}>`;
}

/** RFC 2047 "B" encoded words for a header value with non-ASCII characters (ASCII is returned as is). */
export function encodeWords(value: string): string {
  if (!/[^\x20-\x7e]/.test(value)) return value;
  const words: string[] = [];
  let chunk = "";
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString("base64")}?=`).join(" ");
}

/** Folds a header line at spaces so that lines stay within 78 characters where possible. */
export function foldHeader(name: string, value: string): string {
  const line = `${name}: ${value}`;
  if (line.length <= 78) return line;
  const tokens = line.split(" ");
  const out: string[] = [];
  let current = tokens.shift() as string;
  for (const token of tokens) {
    if (current.length + 1 + token.length > 78) {
      out.push(current);
      current = " " + token;
    } else {
      current += " " + token;
    }
  }
  out.push(current);
  return out.join(CRLF);
}

/** RFC 2045 quoted-printable over UTF-8 bytes, CRLF line ends, soft breaks at 76 characters. */
export function encodeQuotedPrintable(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, "\n")
    .split("\n")
    .map((line) => {
      const bytes = Buffer.from(line, "utf8");
      const tokens: string[] = [];
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        tokens.push(plain ? String.fromCharCode(b) : "=" + b.toString(16).toUpperCase().padStart(2, "0"));
      });
      const lines: string[] = [];
      let current = "";
      for (const token of tokens) {
        if (current.length + token.length > 75) {
          lines.push(current + "=");
          current = "";
        }
        current += token;
      }
      lines.push(current);
      return lines.join(CRLF);
    })
    .join(CRLF);
}
