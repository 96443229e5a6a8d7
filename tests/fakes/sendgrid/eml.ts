// Writes a recorded message as an RFC 5322 / MIME email (.eml): CRLF line ends, folded
// headers, RFC 2047 encoded words for non-ASCII, multipart/alternative (text then html)
// with quoted-printable bodies, attachments as base64 inside multipart/mixed.
import { createHash } from "node:crypto";
import type { Address, FakeSendGridMessage } from "./types";

const CRLF = "\r\n";

export function toEml(message: FakeSendGridMessage): string {
  const boundary = (tag: string) =>
    `----=_Part_${tag}_${createHash("sha1").update(message.sgMessageId + tag).digest("hex").slice(0, 16)}`;
  const headers: Array<[string, string]> = [
    ["Message-ID", `<${message.sgMessageId}@fake.sendgrid>`],
    ["Date", rfc5322Date(message.receivedAt)],
    ["From", formatAddress(message.from)],
  ];
  if (message.replyTo) headers.push(["Reply-To", formatAddress(message.replyTo)]);
  headers.push(["To", message.toList.map(formatAddress).join(", ")]);
  if (message.ccList.length > 0) headers.push(["Cc", message.ccList.map(formatAddress).join(", ")]);
  headers.push(["Subject", encodeWords(message.subject ?? "")]);
  headers.push(["MIME-Version", "1.0"]);
  for (const [name, value] of Object.entries(message.headers)) headers.push([name, encodeWords(value)]);
  headers.push(["X-Fake-SendGrid-Message-Id", message.sgMessageId]);
  if (message.categories.length > 0) headers.push(["X-Fake-SendGrid-Categories", message.categories.join(", ")]);
  if (message.templateId) headers.push(["X-Fake-SendGrid-Template-Id", message.templateId]);

  const alternatives: string[][] = [];
  if (message.text !== undefined) alternatives.push(textPart("text/plain", message.text));
  if (message.html !== undefined) alternatives.push(textPart("text/html", message.html));
  for (const part of message.otherContent) alternatives.push(textPart(part.type, part.value));
  if (alternatives.length === 0) {
    const note = message.templateId
      ? `(rendered by SendGrid template ${message.templateId}; data: ${JSON.stringify(message.dynamicTemplateData ?? {})})`
      : "(no body kept)";
    alternatives.push(textPart("text/plain", note));
  }
  let body: string[] =
    alternatives.length === 1 ? (alternatives[0] as string[]) : multipart("alternative", boundary("alt"), alternatives);
  if (message.attachments.length > 0) {
    const parts = [body, ...message.attachments.map((a) => attachmentPart(a))];
    body = multipart("mixed", boundary("mixed"), parts);
  }
  return headers.map(([name, value]) => foldHeader(name, value)).join(CRLF) + CRLF + body.join(CRLF) + CRLF;
}

/** A file name for the message: sortable by arrival, unique per recipient. */
export function emlFileName(message: FakeSendGridMessage, sequence: number): string {
  return `${String(sequence).padStart(7, "0")}-${message.sgMessageId.replace(/[^A-Za-z0-9._-]/g, "_")}.eml`;
}

function textPart(type: string, value: string): string[] {
  return [
    `Content-Type: ${type}; charset=utf-8`,
    "Content-Transfer-Encoding: quoted-printable",
    "",
    encodeQuotedPrintable(value),
  ];
}

function attachmentPart(a: FakeSendGridMessage["attachments"][number]): string[] {
  const name = encodeWords(a.filename).replace(/"/g, "'");
  const lines = [
    `Content-Type: ${a.type ?? "application/octet-stream"}; name="${name}"`,
    "Content-Transfer-Encoding: base64",
    `Content-Disposition: ${a.disposition ?? "attachment"}; filename="${name}"`,
  ];
  if (a.contentId) lines.push(`Content-ID: <${a.contentId}>`);
  const b64 = a.content.replace(/\s+/g, "");
  lines.push("", ...(b64.match(/.{1,76}/g) ?? [""]));
  return lines;
}

function multipart(subtype: string, boundary: string, parts: string[][]): string[] {
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

export function formatAddress(address: Address): string {
  if (!address.name) return `<${address.email}>`;
  const name = /[^\x20-\x7e]/.test(address.name)
    ? encodeWords(address.name)
    : /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(address.name)
      ? address.name
      : `"${address.name.replace(/(["\\])/g, "\\$1")}"`;
  return `${name} <${address.email}>`;
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
